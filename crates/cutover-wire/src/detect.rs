//! Which service and operation a request on the shared port is for (semantics doc §1.1):
//! the `X-Amz-Target` header for the awsJson services, the `Action` / `Version` form fields for
//! ELBv2. Header names are matched case-insensitively (the `http` crate stores them lowercase).

use http::{HeaderMap, Method};

use crate::error::AwsError;
use crate::query::QueryParams;

pub const ECS_TARGET_PREFIX: &str = "AmazonEC2ContainerServiceV20141113";
pub const CODEDEPLOY_TARGET_PREFIX: &str = "CodeDeploy_20141006";
pub const ELBV2_VERSION: &str = "2015-12-01";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    Ecs,
    CodeDeploy,
    Elbv2,
}

impl Service {
    /// Short name used in logs and the health document.
    pub fn name(self) -> &'static str {
        match self {
            Service::Ecs => "ecs",
            Service::CodeDeploy => "codedeploy",
            Service::Elbv2 => "elbv2",
        }
    }

    pub fn protocol(self) -> Protocol {
        match self {
            Service::Ecs | Service::CodeDeploy => Protocol::Json,
            Service::Elbv2 => Protocol::Query,
        }
    }

    /// The code of an unexpected server fault in this service's model.
    pub fn fault_code(self) -> &'static str {
        match self {
            Service::Ecs => "ServerException",
            Service::CodeDeploy | Service::Elbv2 => "InternalFailure",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// awsJson1.1: JSON in, JSON out.
    Json,
    /// awsQuery: form parameters in, XML out.
    Query,
}

/// A request whose service and operation name are known (the operation may still be one the
/// service does not have: the service layer answers that).
#[derive(Debug, Clone)]
pub struct Detected {
    pub service: Service,
    pub operation: String,
    /// The form parameters of an awsQuery request.
    pub params: Option<QueryParams>,
}

/// A request that could not be routed, with the protocol its error must be rendered in.
#[derive(Debug, Clone)]
pub struct Rejection {
    pub protocol: Protocol,
    pub error: AwsError,
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn is_json_media(m: &str) -> bool {
    matches!(
        m,
        "application/x-amz-json-1.1" | "application/x-amz-json-1.0" | "application/json"
    )
}

/// Routes a request. `query` is the raw URI query string.
pub fn detect(
    method: &Method,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<Detected, Rejection> {
    let content_type = header(headers, "content-type").map(media_type);

    if let Some(target) = header(headers, "x-amz-target") {
        let json_err = |error| Rejection {
            protocol: Protocol::Json,
            error,
        };
        let (prefix, op) = target.split_once('.').unwrap_or((target, ""));
        let service = match prefix {
            ECS_TARGET_PREFIX => Service::Ecs,
            CODEDEPLOY_TARGET_PREFIX => Service::CodeDeploy,
            _ => return Err(json_err(AwsError::unknown_operation(target))),
        };
        if op.is_empty() {
            return Err(json_err(AwsError::unknown_operation(target)));
        }
        if method != Method::POST {
            return Err(json_err(AwsError::serialization(format!(
                "{method} is not supported for {target}; awsJson requests use POST"
            ))));
        }
        if let Some(ct) = content_type.as_deref() {
            if !is_json_media(ct) {
                return Err(json_err(AwsError::serialization(format!(
                    "Content-Type '{ct}' is not supported; expected application/x-amz-json-1.1"
                ))));
            }
        }
        return Ok(Detected {
            service,
            operation: op.to_owned(),
            params: None,
        });
    }

    if content_type.as_deref().is_some_and(is_json_media) {
        return Err(Rejection {
            protocol: Protocol::Json,
            error: AwsError::unknown_operation("(missing X-Amz-Target header)"),
        });
    }

    let query_err = |error| Rejection {
        protocol: Protocol::Query,
        error,
    };
    let form_body = match content_type.as_deref() {
        None | Some("application/x-www-form-urlencoded") => true,
        Some(_) => false,
    };
    let mut sources: Vec<&[u8]> = Vec::with_capacity(2);
    if let Some(q) = query {
        sources.push(q.as_bytes());
    }
    if form_body {
        sources.push(body);
    }
    let params = QueryParams::parse(sources);
    let Some(action) = params.raw("Action").filter(|a| !a.is_empty()) else {
        let why = match content_type.as_deref() {
            Some(ct) if !form_body && !body.is_empty() => format!(
                "Could not find the Action parameter: the body was sent as '{ct}', awsQuery requests use application/x-www-form-urlencoded"
            ),
            _ => "The request must contain the parameter Action".to_owned(),
        };
        return Err(query_err(AwsError::client("MissingAction", why)));
    };
    match params.raw("Version") {
        Some(ELBV2_VERSION) => {}
        None | Some("") => {
            return Err(query_err(AwsError::client(
                "MissingParameter",
                "The request must contain the parameter Version",
            )))
        }
        Some(v) => return Err(query_err(AwsError::invalid_action(action, v))),
    }
    if !action.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(query_err(AwsError::invalid_action(action, ELBV2_VERSION)));
    }
    Ok(Detected {
        service: Service::Elbv2,
        operation: action.to_owned(),
        params: Some(params),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hdrs(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn json_targets() {
        let h = hdrs(&[
            (
                "X-Amz-Target",
                "AmazonEC2ContainerServiceV20141113.ListClusters",
            ),
            ("Content-Type", "application/x-amz-json-1.1"),
        ]);
        let d = detect(&Method::POST, &h, None, b"{}").unwrap();
        assert_eq!(
            (d.service, d.operation.as_str()),
            (Service::Ecs, "ListClusters")
        );
        let h = hdrs(&[("x-amz-target", "CodeDeploy_20141006.ListApplications")]);
        let d = detect(&Method::POST, &h, None, b"{}").unwrap();
        assert_eq!(d.service, Service::CodeDeploy);
    }

    #[test]
    fn json_rejections() {
        for (target, ct) in [
            ("Nope_2020.ListClusters", "application/x-amz-json-1.1"),
            (
                "AmazonEC2ContainerServiceV20141113",
                "application/x-amz-json-1.1",
            ),
            (
                "AmazonEC2ContainerServiceV20141113.",
                "application/x-amz-json-1.1",
            ),
        ] {
            let mut h = HeaderMap::new();
            h.insert("x-amz-target", target.parse().unwrap());
            h.insert("content-type", ct.parse().unwrap());
            let r = detect(&Method::POST, &h, None, b"{}").unwrap_err();
            assert_eq!(r.protocol, Protocol::Json);
            assert_eq!(r.error.code, "UnknownOperationException", "{target}");
        }
        let h = hdrs(&[
            (
                "x-amz-target",
                "AmazonEC2ContainerServiceV20141113.ListClusters",
            ),
            ("content-type", "text/plain"),
        ]);
        let r = detect(&Method::POST, &h, None, b"{}").unwrap_err();
        assert_eq!(r.error.code, "SerializationException");
        let h = hdrs(&[("content-type", "application/x-amz-json-1.1")]);
        let r = detect(&Method::POST, &h, None, b"{}").unwrap_err();
        assert_eq!(
            (r.protocol, r.error.code.as_ref()),
            (Protocol::Json, "UnknownOperationException")
        );
    }

    #[test]
    fn query_actions() {
        let h = hdrs(&[(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )]);
        let d = detect(
            &Method::POST,
            &h,
            None,
            b"Action=DescribeLoadBalancers&Version=2015-12-01",
        )
        .unwrap();
        assert_eq!(
            (d.service, d.operation.as_str()),
            (Service::Elbv2, "DescribeLoadBalancers")
        );
        // GET with the query string works too.
        let d = detect(
            &Method::GET,
            &HeaderMap::new(),
            Some("Action=DescribeTargetGroups&Version=2015-12-01"),
            b"",
        )
        .unwrap();
        assert_eq!(d.operation, "DescribeTargetGroups");
    }

    #[test]
    fn query_rejections() {
        let h = hdrs(&[("content-type", "application/x-www-form-urlencoded")]);
        let cases: &[(&[u8], &str)] = &[
            (b"Version=2015-12-01", "MissingAction"),
            (b"Action=DescribeLoadBalancers", "MissingParameter"),
            (
                b"Action=DescribeLoadBalancers&Version=2010-08-01",
                "InvalidAction",
            ),
            (b"Action=Describe%00Bad&Version=2015-12-01", "InvalidAction"),
            (b"\xff\xfe garbage", "MissingAction"),
        ];
        for (body, code) in cases {
            let r = detect(&Method::POST, &h, None, body).unwrap_err();
            assert_eq!(
                (r.protocol, r.error.code.as_ref()),
                (Protocol::Query, *code)
            );
        }
        let h = hdrs(&[("content-type", "text/plain")]);
        let r = detect(
            &Method::POST,
            &h,
            None,
            b"Action=DescribeLoadBalancers&Version=2015-12-01",
        )
        .unwrap_err();
        assert_eq!(r.error.code, "MissingAction");
        assert!(r.error.message.contains("text/plain"));
    }
}

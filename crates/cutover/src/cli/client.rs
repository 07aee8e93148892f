//! A small client of the emulator for the command-line verbs: raw awsJson1.1 (CodeDeploy, ECS)
//! and awsQuery (ELBv2) requests with a SigV4-shaped `authorization` header, plus the control API.

use std::time::Duration;

use serde_json::{json, Value};

/// The default endpoint (`cutover serve`'s default address).
pub const DEFAULT_ENDPOINT: &str = "http://127.0.0.1:4566";

/// An error from the emulator or the transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientError {
    /// The AWS error code (`DeploymentDoesNotExistException`), or `Transport` / `Http`.
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ClientError {}

fn transport(e: reqwest::Error) -> ClientError {
    let message = match e.url() {
        Some(u) if e.is_connect() => format!(
            "cannot connect to {}://{}:{} — is `cutover serve` running there? (--endpoint / CUTOVER_ENDPOINT)",
            u.scheme(),
            u.host_str().unwrap_or(""),
            u.port_or_known_default().unwrap_or(0)
        ),
        _ => e.to_string(),
    };
    ClientError {
        code: "Transport".into(),
        message,
    }
}

/// Credential scope of the requests: which account (a 12-digit access key) and region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key: String,
    pub region: String,
}

impl Default for Credentials {
    fn default() -> Self {
        Credentials {
            access_key: "AKIDEXAMPLE".into(),
            region: "us-east-1".into(),
        }
    }
}

impl Credentials {
    /// From `AWS_ACCESS_KEY_ID` and `AWS_REGION` / `AWS_DEFAULT_REGION`, as the aws CLI would
    /// sign, so the watch view sees the same partition as the user's CLI.
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let d = Credentials::default();
        Credentials {
            access_key: var("AWS_ACCESS_KEY_ID").unwrap_or(d.access_key),
            region: var("AWS_REGION")
                .or_else(|| var("AWS_DEFAULT_REGION"))
                .unwrap_or(d.region),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Client {
    endpoint: String,
    creds: Credentials,
    http: reqwest::Client,
}

impl Client {
    pub fn new(endpoint: &str, creds: Credentials) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Client {
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            creds,
            http,
        }
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn authorization(&self, service: &str) -> String {
        format!(
            "AWS4-HMAC-SHA256 Credential={}/20260101/{}/{service}/aws4_request, SignedHeaders=host, Signature={}",
            self.creds.access_key,
            self.creds.region,
            "0".repeat(64)
        )
    }

    /// An awsJson1.1 call: `target` is `Prefix.Operation`; answers the JSON body.
    async fn json_call(
        &self,
        service: &str,
        target: &str,
        body: &Value,
    ) -> Result<Value, ClientError> {
        let resp = self
            .http
            .post(format!("{}/", self.endpoint))
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", target)
            .header("authorization", self.authorization(service))
            .body(body.to_string())
            .send()
            .await
            .map_err(transport)?;
        let status = resp.status();
        let text = resp.text().await.map_err(transport)?;
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(v);
        }
        let code = v["__type"]
            .as_str()
            .map(|t| t.rsplit('#').next().unwrap_or(t).to_owned())
            .unwrap_or_else(|| format!("Http{}", status.as_u16()));
        let message = v["message"]
            .as_str()
            .or(v["Message"].as_str())
            .unwrap_or(&text)
            .to_owned();
        Err(ClientError { code, message })
    }

    /// A CodeDeploy operation (`GetDeployment`, …).
    pub async fn codedeploy(&self, op: &str, body: Value) -> Result<Value, ClientError> {
        self.json_call("codedeploy", &format!("CodeDeploy_20141006.{op}"), &body)
            .await
    }

    /// An ECS operation (`DescribeServices`, …).
    pub async fn ecs(&self, op: &str, body: Value) -> Result<Value, ClientError> {
        self.json_call(
            "ecs",
            &format!("AmazonEC2ContainerServiceV20141113.{op}"),
            &body,
        )
        .await
    }

    /// An ELBv2 (awsQuery) operation; answers the XML body.
    pub async fn elbv2(
        &self,
        action: &str,
        params: &[(&str, &str)],
    ) -> Result<String, ClientError> {
        let mut form = form_encode(&[("Action", action), ("Version", "2015-12-01")]);
        if !params.is_empty() {
            form.push('&');
            form.push_str(&form_encode(params));
        }
        let resp = self
            .http
            .post(format!("{}/", self.endpoint))
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .header("authorization", self.authorization("elasticloadbalancing"))
            .body(form)
            .send()
            .await
            .map_err(transport)?;
        let status = resp.status();
        let text = resp.text().await.map_err(transport)?;
        if status.is_success() {
            return Ok(text);
        }
        let code = xml_values(&text, &["Error", "Code"])
            .into_iter()
            .next()
            .unwrap_or_else(|| format!("Http{}", status.as_u16()));
        let message = xml_values(&text, &["Error", "Message"])
            .into_iter()
            .next()
            .unwrap_or(text);
        Err(ClientError { code, message })
    }

    /// A control API call under `/_cutover/`.
    pub async fn control(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, ClientError> {
        let mut req = self
            .http
            .request(method, format!("{}/_cutover/{path}", self.endpoint));
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let resp = req.send().await.map_err(transport)?;
        let status = resp.status();
        let text = resp.text().await.map_err(transport)?;
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(v);
        }
        Err(ClientError {
            code: v["error"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| format!("Http{}", status.as_u16())),
            message: v["message"].as_str().unwrap_or(&text).to_owned(),
        })
    }

    /// `GET /_cutover/clock`.
    pub async fn clock(&self) -> Result<Value, ClientError> {
        self.control(reqwest::Method::GET, "clock", None).await
    }

    /// `POST /_cutover/clock/advance`.
    pub async fn advance(&self, seconds: f64) -> Result<Value, ClientError> {
        self.control(
            reqwest::Method::POST,
            "clock/advance",
            Some(json!({ "seconds": seconds })),
        )
        .await
    }

    /// The newest deployment of the partition (ListDeployments answers newest first).
    pub async fn latest_deployment(&self) -> Result<String, ClientError> {
        let v = self.codedeploy("ListDeployments", json!({})).await?;
        v["deployments"]
            .as_array()
            .and_then(|a| a.first())
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| ClientError {
                code: "NoDeployments".into(),
                message: format!(
                    "there is no deployment yet in {} (region {})",
                    self.endpoint, self.creds.region
                ),
            })
    }
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&percent(k));
        out.push('=');
        out.push_str(&percent(v));
    }
    out
}

fn percent(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The text of every element whose path ends with `suffix` (element names, namespaces ignored),
/// in document order. Enough for the few awsQuery answers the watch view reads.
pub fn xml_values(xml: &str, suffix: &[&str]) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                path.push(e.local_name().as_ref().to_owned());
                text.clear();
            }
            Ok(Event::Text(t)) => {
                text.push_str(&t.xml10_content());
            }
            Ok(Event::GeneralRef(r)) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                    continue;
                }
                text.push_str(match &*r {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                });
            }
            Ok(Event::End(_)) => {
                if path.len() >= suffix.len() && path[path.len() - suffix.len()..] == *suffix {
                    out.push(std::mem::take(&mut text));
                }
                text.clear();
                path.pop();
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_values_by_path_suffix() {
        let xml = r#"<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
  <DescribeTargetHealthResult><TargetHealthDescriptions>
    <member><Target><Id>10.0.0.1</Id><Port>80</Port></Target><TargetHealth><State>healthy</State></TargetHealth></member>
    <member><Target><Id>10.0.0.2</Id></Target><TargetHealth><State>draining</State><Reason>Target.DeregistrationInProgress</Reason></TargetHealth></member>
  </TargetHealthDescriptions></DescribeTargetHealthResult></DescribeTargetHealthResponse>"#;
        assert_eq!(
            xml_values(xml, &["TargetHealth", "State"]),
            ["healthy", "draining"]
        );
        assert_eq!(xml_values(xml, &["Target", "Id"]), ["10.0.0.1", "10.0.0.2"]);
        assert_eq!(
            xml_values("<a><b>x &amp; y</b></a>", &["b"]),
            ["x & y"],
            "entities"
        );
    }

    #[test]
    fn form_encoding() {
        assert_eq!(
            form_encode(&[("TargetGroupArn", "arn:aws:x/a b")]),
            "TargetGroupArn=arn%3Aaws%3Ax%2Fa%20b"
        );
    }
}

//! The context of one request: its id, and the account and region whose state it touches.
//!
//! Region comes from the SigV4 credential scope (`Credential=AKID/date/REGION/service/...`),
//! falling back to the server's default. An access key id of exactly 12 digits selects that
//! account; any other key means the default account. Signatures are not checked.

use http::HeaderMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestContext {
    pub request_id: String,
    pub account: String,
    pub region: String,
}

/// The parts of a SigV4 credential scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialScope<'a> {
    pub access_key: &'a str,
    pub date: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

/// Parses `AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/ecs/aws4_request, ...`.
pub fn credential_scope(authorization: &str) -> Option<CredentialScope<'_>> {
    let rest = authorization
        .trim_start()
        .strip_prefix("AWS4-HMAC-SHA256")?;
    let start = rest.find("Credential=")? + "Credential=".len();
    let cred = &rest[start..];
    let end = cred.find([',', ' ']).unwrap_or(cred.len());
    let mut parts = cred[..end].split('/');
    let scope = CredentialScope {
        access_key: parts.next()?,
        date: parts.next()?,
        region: parts.next()?,
        service: parts.next()?,
    };
    Some(scope)
}

fn plausible_region(r: &str) -> bool {
    !r.is_empty()
        && r.len() <= 32
        && r.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl RequestContext {
    pub fn from_headers(headers: &HeaderMap, default_account: &str, default_region: &str) -> Self {
        let scope = headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(credential_scope);
        let region = scope
            .map(|s| s.region)
            .filter(|r| plausible_region(r))
            .unwrap_or(default_region);
        let account = scope
            .map(|s| s.access_key)
            .filter(|k| k.len() == 12 && k.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or(default_account);
        RequestContext {
            request_id: uuid::Uuid::new_v4().to_string(),
            account: account.to_owned(),
            region: region.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(auth: Option<&str>) -> RequestContext {
        let mut h = HeaderMap::new();
        if let Some(a) = auth {
            h.insert("authorization", a.parse().unwrap());
        }
        RequestContext::from_headers(&h, "123456789012", "us-east-1")
    }

    #[test]
    fn region_and_account_from_scope() {
        let c = ctx(Some("AWS4-HMAC-SHA256 Credential=210987654321/20261126/eu-west-3/ecs/aws4_request, SignedHeaders=host, Signature=abc"));
        assert_eq!(c.region, "eu-west-3");
        assert_eq!(c.account, "210987654321");
        assert_eq!(c.request_id.len(), 36);
    }

    #[test]
    fn other_keys_use_the_default_account() {
        let c = ctx(Some("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/ap-south-1/elasticloadbalancing/aws4_request,SignedHeaders=host,Signature=x"));
        assert_eq!(c.region, "ap-south-1");
        assert_eq!(c.account, "123456789012");
        let c = ctx(Some(
            "AWS4-HMAC-SHA256 Credential=1234567890123/20261126/us-west-2/ecs/aws4_request",
        ));
        assert_eq!(c.account, "123456789012", "13 digits is not an account id");
    }

    #[test]
    fn no_or_garbage_auth_falls_back() {
        for a in [
            None,
            Some("Bearer xyz"),
            Some("AWS4-HMAC-SHA256 Credential=onlykey"),
            Some("AWS4-HMAC-SHA256 Credential=AK/d/../ecs/x"),
        ] {
            let c = ctx(a);
            assert_eq!(
                (c.account.as_str(), c.region.as_str()),
                ("123456789012", "us-east-1"),
                "{a:?}"
            );
        }
    }

    #[test]
    fn scope_parts() {
        let s = credential_scope("AWS4-HMAC-SHA256 Credential=AK/20261126/us-east-1/codedeploy/aws4_request, SignedHeaders=a").unwrap();
        assert_eq!(s.service, "codedeploy");
        assert_eq!(s.date, "20261126");
    }
}

//! Request builders that produce the exact wire requests of the aws CLI (botocore) and the AWS
//! SDK for Rust: awsJson1.1 (`X-Amz-Target`) and awsQuery forms, with a well-formed SigV4
//! `Authorization` header.
//!
//! The signature is *shaped* like SigV4 (64 hex digits over the canonical parts) but is not an
//! HMAC: the servers under test do not verify signatures, and the tool stays free of crypto
//! crates. Everything else (headers, signed-header lists, credential scope, bodies) is what the
//! real clients send; `tests/golden.rs` checks that against the captured fixtures.

use std::hash::{Hash, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;

/// The access key the fixtures were captured with.
pub const ACCESS_KEY: &str = "AKIDEXAMPLE";
pub const REGION: &str = "us-east-1";
/// ELBv2's awsQuery `Version`.
pub const ELBV2_VERSION: &str = "2015-12-01";

/// Which client's bytes to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// aws CLI v1 / botocore: JSON with `", "` and `": "` separators, form content type with
    /// `; charset=utf-8`, `user-agent`.
    Cli,
    /// AWS SDK for Rust: compact JSON, plain form content type, `x-amz-user-agent`, and
    /// `content-length` among the signed headers.
    RustSdk,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Ecs,
    CodeDeploy,
    Elbv2,
}

impl Service {
    /// The SigV4 signing name (credential scope).
    pub fn signing_name(self) -> &'static str {
        match self {
            Service::Ecs => "ecs",
            Service::CodeDeploy => "codedeploy",
            Service::Elbv2 => "elasticloadbalancing",
        }
    }

    /// The awsJson1.1 target prefix (`None` for the awsQuery service).
    pub fn target_prefix(self) -> Option<&'static str> {
        match self {
            Service::Ecs => Some("AmazonEC2ContainerServiceV20141113"),
            Service::CodeDeploy => Some("CodeDeploy_20141006"),
            Service::Elbv2 => None,
        }
    }

    fn sdk_api(self) -> &'static str {
        match self {
            Service::Ecs => "api/ecs/1.157.0",
            Service::CodeDeploy => "api/codedeploy/1.124.0",
            Service::Elbv2 => "api/elasticloadbalancingv2/1.134.0",
        }
    }
}

/// A JSON value that keeps member order (the workspace's `serde_json` sorts object keys, and
/// enabling `preserve_order` would change the server's output through feature unification).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    pub fn obj<K: Into<String>>(members: impl IntoIterator<Item = (K, Json)>) -> Json {
        Json::Obj(members.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn str(s: impl Into<String>) -> Json {
        Json::Str(s.into())
    }

    pub fn strs<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Json {
        Json::Arr(items.into_iter().map(|s| Json::Str(s.into())).collect())
    }

    /// Renders as the given client does: botocore uses Python's `json.dumps` defaults.
    pub fn render(&self, flavor: Flavor) -> String {
        let mut out = String::new();
        self.write(&mut out, flavor);
        out
    }

    fn write(&self, out: &mut String, flavor: Flavor) {
        let (item_sep, key_sep) = match flavor {
            Flavor::Cli => (", ", ": "),
            Flavor::RustSdk => (",", ":"),
        };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(n) => out.push_str(&n.to_string()),
            Json::Str(s) => write_json_string(out, s),
            Json::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(item_sep);
                    }
                    v.write(out, flavor);
                }
                out.push(']');
            }
            Json::Obj(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(item_sep);
                    }
                    write_json_string(out, k);
                    out.push_str(key_sep);
                    v.write(out, flavor);
                }
                out.push('}');
            }
        }
    }
}

fn write_json_string(out: &mut String, s: &str) {
    // serde_json's escaping of a plain string; both clients escape the same way for ASCII.
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
}

/// A fully built request: everything but the connection.
#[derive(Debug, Clone)]
pub struct WireRequest {
    pub method: &'static str,
    pub path: &'static str,
    /// Lower-case names, in the order the client sends them.
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
}

impl WireRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// An `http::Request` for `host` (`IP:PORT`), with `host` and `content-length` set.
    pub fn to_http(&self, host: &str) -> http::Request<http_body_util::Full<Bytes>> {
        let mut b = http::Request::builder()
            .method(self.method)
            .uri(self.path)
            .header(http::header::HOST, host)
            .header(http::header::CONTENT_LENGTH, self.body.len());
        for (k, v) in &self.headers {
            b = b.header(*k, v.as_str());
        }
        b.body(http_body_util::Full::new(self.body.clone()))
            .expect("valid request parts")
    }
}

/// The clock stamp of a request: `x-amz-date` and the credential-scope date.
#[derive(Debug, Clone)]
pub struct Stamp {
    pub amz_date: String,
    pub date: String,
}

impl Stamp {
    pub fn now() -> Stamp {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Stamp::at(secs)
    }

    /// `secs` since the Unix epoch, in UTC.
    pub fn at(secs: u64) -> Stamp {
        let days = (secs / 86_400) as i64;
        let rem = secs % 86_400;
        let (y, m, d) = civil_from_days(days);
        let date = format!("{y:04}{m:02}{d:02}");
        let amz_date = format!(
            "{date}T{:02}{:02}{:02}Z",
            rem / 3600,
            (rem / 60) % 60,
            rem % 60
        );
        Stamp { amz_date, date }
    }

    /// Parses an `x-amz-date` (`yyyymmddThhmmssZ`).
    pub fn from_amz_date(amz_date: &str) -> Stamp {
        Stamp {
            amz_date: amz_date.to_owned(),
            date: amz_date.get(..8).unwrap_or("19700101").to_owned(),
        }
    }
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian, UTC).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Percent-encoding of a query value as botocore and smithy do it: unreserved characters
/// (`A-Z a-z 0-9 - _ . ~`) stay, every other byte becomes `%XX` (upper-case hex).
pub fn percent_encode(s: &str) -> String {
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

/// Builds requests for one client flavour and one clock stamp.
#[derive(Debug, Clone)]
pub struct Builder {
    pub flavor: Flavor,
    pub stamp: Stamp,
}

const CLI_UA: &str = "aws-cli/1.45.11 md/Botocore#1.43.11 ua/2.1 os/linux md/arch#x86_64 lang/python#3.11.7 md/pyimpl#CPython cfg/retry-mode#legacy botocore/1.43.11";

impl Builder {
    pub fn new(flavor: Flavor) -> Builder {
        Builder {
            flavor,
            stamp: Stamp::now(),
        }
    }

    /// An awsJson1.1 call: `POST /`, `X-Amz-Target: <prefix>.<op>`.
    pub fn json(&self, service: Service, op: &str, body: &Json) -> WireRequest {
        let prefix = service
            .target_prefix()
            .expect("awsJson1.1 call on an awsQuery service");
        let body = body.render(self.flavor);
        let target = format!("{prefix}.{op}");
        let content_type = "application/x-amz-json-1.1".to_owned();
        let mut headers: Vec<(&'static str, String)> = match self.flavor {
            Flavor::Cli => vec![
                ("x-amz-target", target),
                ("content-type", content_type),
                ("user-agent", CLI_UA.to_owned()),
            ],
            Flavor::RustSdk => vec![
                ("content-type", content_type),
                ("x-amz-target", target),
                ("x-amz-user-agent", self.sdk_ua(service)),
                ("user-agent", self.sdk_ua(service)),
            ],
        };
        self.sign(service, &mut headers, body.as_bytes());
        WireRequest {
            method: "POST",
            path: "/",
            headers,
            body: Bytes::from(body),
        }
    }

    /// An awsQuery call: `Action=<op>&Version=2015-12-01&<params…>` (params in the given order,
    /// already flattened: `Names.member.1`, …).
    pub fn query(&self, op: &str, params: &[(&str, &str)]) -> WireRequest {
        let mut body = format!("Action={}&Version={ELBV2_VERSION}", percent_encode(op));
        for (k, v) in params {
            body.push('&');
            body.push_str(&percent_encode(k));
            body.push('=');
            body.push_str(&percent_encode(v));
        }
        let mut headers: Vec<(&'static str, String)> = match self.flavor {
            Flavor::Cli => vec![
                (
                    "content-type",
                    "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
                ),
                ("user-agent", CLI_UA.to_owned()),
            ],
            Flavor::RustSdk => vec![
                (
                    "content-type",
                    "application/x-www-form-urlencoded".to_owned(),
                ),
                ("x-amz-user-agent", self.sdk_ua(Service::Elbv2)),
                ("user-agent", self.sdk_ua(Service::Elbv2)),
            ],
        };
        self.sign(Service::Elbv2, &mut headers, body.as_bytes());
        WireRequest {
            method: "POST",
            path: "/",
            headers,
            body: Bytes::from(body),
        }
    }

    fn sdk_ua(&self, service: Service) -> String {
        format!(
            "aws-sdk-rust/1.7.0 ua/2.1 {} os/linux lang/rust/1.95.0 m/E,N md/http#hyper-1.x",
            service.sdk_api()
        )
    }

    /// Adds `x-amz-date` and `authorization`. The signed-header list is the one each client
    /// signs: botocore signs content-type, host, x-amz-date (and x-amz-target); the Rust SDK also
    /// content-length and x-amz-user-agent.
    fn sign(&self, service: Service, headers: &mut Vec<(&'static str, String)>, body: &[u8]) {
        headers.push(("x-amz-date", self.stamp.amz_date.clone()));
        let mut signed: Vec<&str> = headers
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| *k != "user-agent")
            .collect();
        signed.push("host");
        if self.flavor == Flavor::RustSdk {
            signed.push("content-length");
        }
        signed.sort_unstable();
        let signed = signed.join(";");
        let scope = format!(
            "{}/{REGION}/{}/aws4_request",
            self.stamp.date,
            service.signing_name()
        );
        let signature = pseudo_signature(&[
            scope.as_bytes(),
            signed.as_bytes(),
            self.stamp.amz_date.as_bytes(),
            body,
        ]);
        headers.push((
            "authorization",
            format!(
                "AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{scope}, SignedHeaders={signed}, Signature={signature}"
            ),
        ));
    }
}

/// 64 lower-case hex digits derived from the canonical parts with a non-cryptographic hash: the
/// shape of a SigV4 signature, deterministic per request, **not** verifiable.
fn pseudo_signature(parts: &[&[u8]]) -> String {
    let mut out = String::with_capacity(64);
    for seed in 0u64..4 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        seed.hash(&mut h);
        for p in parts {
            p.hash(&mut h);
        }
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(Stamp::at(0).amz_date, "19700101T000000Z");
        // 2026-11-26T17:42:32Z
        assert_eq!(Stamp::at(1_795_714_952).amz_date, "20261126T174232Z");
        assert_eq!(Stamp::at(951_782_400).date, "20000229");
    }

    #[test]
    fn encoding() {
        assert_eq!(percent_encode("a:b/c d~"), "a%3Ab%2Fc%20d~");
    }

    #[test]
    fn signature_shape() {
        let b = Builder::new(Flavor::Cli);
        let r = b.json(Service::Ecs, "ListClusters", &Json::obj::<&str>([]));
        let auth = r.header("authorization").unwrap();
        let sig = auth.rsplit_once("Signature=").unwrap().1;
        assert_eq!(sig.len(), 64);
        assert!(sig
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
}

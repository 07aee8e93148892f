//! Test helpers: start a server on port 0, build SDK clients pointed at it, call the control API,
//! find the aws CLI and shapecheck.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_smithy_types::retry::RetryConfig;
use cutover::{Config, Running};
use serde_json::Value;

pub const DEFAULT_ACCOUNT: &str = "123456789012";

pub struct TestServer {
    pub running: Running,
    pub url: String,
    pub http: reqwest::Client,
}

/// A server with a manual clock on a free port.
pub async fn server() -> TestServer {
    server_with(Config::for_tests()).await
}

pub async fn server_with(config: Config) -> TestServer {
    let running = cutover::start(config).await.expect("server starts");
    let url = running.url();
    TestServer {
        running,
        url,
        http: reqwest::Client::new(),
    }
}

fn http_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new().build_http()
}

/// Client options: which access key (a 12-digit key selects that account) and region.
#[derive(Clone)]
pub struct Who {
    pub access_key: String,
    pub region: String,
}

impl Default for Who {
    fn default() -> Self {
        Who {
            access_key: "AKIDEXAMPLE".into(),
            region: "us-east-1".into(),
        }
    }
}

impl Who {
    pub fn account(account: &str, region: &str) -> Self {
        Who {
            access_key: account.into(),
            region: region.into(),
        }
    }
}

macro_rules! client_fn {
    ($name:ident, $name_as:ident, $krate:ident) => {
        pub fn $name(&self) -> $krate::Client {
            self.$name_as(&Who::default())
        }

        pub fn $name_as(&self, who: &Who) -> $krate::Client {
            let conf = $krate::Config::builder()
                .behavior_version($krate::config::BehaviorVersion::latest())
                .region($krate::config::Region::new(who.region.clone()))
                .endpoint_url(&self.url)
                .credentials_provider(Credentials::new(
                    &who.access_key,
                    "secret",
                    None,
                    None,
                    "test",
                ))
                .http_client(http_client())
                .retry_config(RetryConfig::disabled())
                .build();
            $krate::Client::from_conf(conf)
        }
    };
}

impl TestServer {
    client_fn!(ecs, ecs_as, aws_sdk_ecs);
    client_fn!(codedeploy, codedeploy_as, aws_sdk_codedeploy);
    client_fn!(elbv2, elbv2_as, aws_sdk_elasticloadbalancingv2);

    pub async fn control(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.url));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("control call");
        let status = resp.status().as_u16();
        let v = resp.json::<Value>().await.expect("control answers JSON");
        (status, v)
    }

    /// Advances the manual clock by `seconds`; returns the clock document.
    pub async fn advance(&self, seconds: f64) -> Value {
        let (status, v) = self
            .control(
                reqwest::Method::POST,
                "/_cutover/clock/advance",
                Some(serde_json::json!({"seconds": seconds})),
            )
            .await;
        assert_eq!(status, 200, "{v}");
        v
    }

    pub async fn now(&self) -> f64 {
        let (_, v) = self
            .control(reqwest::Method::GET, "/_cutover/clock", None)
            .await;
        v["now"].as_f64().expect("now is a number")
    }

    /// Runs the aws CLI against this server under shapecheck; see [`aws_cli`].
    pub async fn aws(&self, args: &[&str]) -> CliOutput {
        aws_cli(&self.url, args, &[]).await
    }
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_path_buf()
}

/// `../shared/tools/shapecheck` beside the repository, or `CUTOVER_SHAPECHECK_DIR`.
pub fn shapecheck_dir() -> PathBuf {
    if let Ok(d) = std::env::var("CUTOVER_SHAPECHECK_DIR") {
        return PathBuf::from(d);
    }
    repo_root().join("../shared/tools/shapecheck")
}

pub struct CliOutput {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// Shapecheck's report: every response the CLI received, checked against botocore's model.
    pub shapecheck: Value,
}

impl CliOutput {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("CLI stdout is not JSON ({e}): {}", self.stdout))
    }

    /// Asserts shapecheck saw at least one response and no violation.
    pub fn assert_clean(&self) {
        let checked = self.shapecheck["summary"]["responses_checked"]
            .as_u64()
            .unwrap_or(0);
        assert!(
            checked > 0,
            "shapecheck checked nothing: {}\nstderr: {}",
            self.shapecheck,
            self.stderr
        );
        let violations = &self.shapecheck["violations"];
        assert!(
            violations.as_array().is_some_and(|v| v.is_empty()),
            "shapecheck violations: {violations:#}\nstderr: {}",
            self.stderr
        );
    }

    pub fn assert_ok(&self) -> Value {
        assert_eq!(self.code, 0, "aws CLI failed: {}", self.stderr);
        self.assert_clean();
        if self.stdout.trim().is_empty() {
            Value::Null
        } else {
            self.json()
        }
    }

    /// Asserts the CLI failed with this AWS error code (and a clean shape).
    pub fn assert_error(&self, code: &str) {
        assert_ne!(
            self.code, 0,
            "expected {code}, the CLI succeeded: {}",
            self.stdout
        );
        assert!(
            self.stderr.contains(&format!("({code})")),
            "expected ({code}) in: {}",
            self.stderr
        );
        self.assert_clean();
    }
}

static CLI_SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Runs `aws --endpoint-url URL --output json ARGS...` with dummy credentials, under shapecheck
/// (every response is checked against botocore's model; the report is returned).
pub async fn aws_cli(url: &str, args: &[&str], env: &[(&str, &str)]) -> CliOutput {
    let sc = shapecheck_dir();
    assert!(
        sc.join("shapecheck.py").exists(),
        "shapecheck not found at {} (set CUTOVER_SHAPECHECK_DIR)",
        sc.display()
    );
    let n = CLI_SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let out_file = std::env::temp_dir().join(format!(
        "cutover-shapecheck-{}-{n}.json",
        std::process::id()
    ));
    let mut cmd = tokio::process::Command::new("aws");
    cmd.arg("--endpoint-url")
        .arg(url)
        .arg("--output")
        .arg("json")
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_PAGER", "")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("PYTHONPATH", sc.join("autoload"))
        .env("SHAPECHECK", "1")
        .env("SHAPECHECK_REPORT", "0")
        .env("SHAPECHECK_OUT", &out_file)
        .env_remove("AWS_PROFILE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .output()
        .await
        .expect("the aws CLI runs (the test script installs it)");
    let shapecheck = std::fs::read_to_string(&out_file)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null);
    let _ = std::fs::remove_file(&out_file);
    CliOutput {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        shapecheck,
    }
}

/// The `cutover` binary built by `cargo test --workspace` (beside this test's deps dir).
pub fn cutover_binary() -> PathBuf {
    if let Ok(p) = std::env::var("CUTOVER_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("test exe path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target profile dir");
    let bin = dir.join("cutover");
    assert!(
        bin.exists(),
        "{} not built; run cargo test --workspace",
        bin.display()
    );
    bin
}

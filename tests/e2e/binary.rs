//! The `cutover` binary itself: `serve` on port 0 prints its address, answers real clients,
//! logs one line per call (text or JSON), and shuts down gracefully on SIGTERM.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::support::{aws_cli, cutover_binary};

async fn spawn(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(cutover_binary())
        .arg("serve")
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("cutover starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await
        .expect("prints its address in time")
        .unwrap()
        .expect("a line");
    let url = line
        .strip_prefix("cutover listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );
    (child, url.to_owned())
}

async fn terminate(mut child: Child) -> (i32, String) {
    let pid = child.id().expect("running").to_string();
    let st = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(st.success());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("exits after SIGTERM")
        .unwrap();
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        use tokio::io::AsyncReadExt;
        e.read_to_string(&mut stderr).await.unwrap();
    }
    (status.code().unwrap_or(-1), stderr)
}

#[tokio::test]
async fn serve_on_port_zero_then_sigterm() {
    let (child, url) = spawn(&["--clock", "manual", "--log-format", "json"]).await;
    let out = aws_cli(&url, &["ecs", "list-clusters"], &[]).await;
    out.assert_ok();
    let (code, stderr) = terminate(child).await;
    assert_eq!(code, 0, "graceful exit: {stderr}");
    let call = stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["operation"] == "ListClusters")
        .unwrap_or_else(|| panic!("no JSON log line for the call in: {stderr}"));
    assert_eq!(call["service"], "ecs");
    assert_eq!(call["status"], 200);
    assert_eq!(call["request_id"].as_str().map(str::len), Some(36));
    assert!(call["duration_us"].is_u64());
}

#[tokio::test]
async fn region_account_and_scale_flags() {
    let (child, url) = spawn(&[
        "--region",
        "eu-central-1",
        "--account-id",
        "999988887777",
        "--clock",
        "real",
        "--time-scale",
        "60",
    ])
    .await;
    let c = reqwest::get(format!("{url}/_cutover/clock"))
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(
        (c["mode"].as_str(), c["scale"].as_f64()),
        (Some("real"), Some(60.0))
    );
    // No credential scope in the request → the server's region and account.
    let resp = reqwest::Client::new()
        .post(&url)
        .header(
            "X-Amz-Target",
            "AmazonEC2ContainerServiceV20141113.CreateCluster",
        )
        .header("Content-Type", "application/x-amz-json-1.1")
        .body(r#"{"clusterName":"k"}"#)
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        v["cluster"]["clusterArn"],
        "arn:aws:ecs:eu-central-1:999988887777:cluster/k"
    );
    let (code, _) = terminate(child).await;
    assert_eq!(code, 0);
}

#[tokio::test]
async fn text_logs_name_each_call() {
    let (child, url) = spawn(&["--clock", "manual"]).await;
    aws_cli(
        &url,
        &["elbv2", "describe-load-balancers", "--names", "ghost"],
        &[],
    )
    .await
    .assert_error("LoadBalancerNotFound");
    let (code, stderr) = terminate(child).await;
    assert_eq!(code, 0);
    let line = stderr
        .lines()
        .find(|l| l.contains("DescribeLoadBalancers"))
        .unwrap_or_else(|| panic!("{stderr}"));
    for want in [
        "service=\"elbv2\"",
        "status=400",
        "error=\"LoadBalancerNotFound\"",
        "request_id=",
        "duration_us=",
    ] {
        assert!(line.contains(want), "{want} missing in {line}");
    }
}

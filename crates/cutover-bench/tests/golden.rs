//! The request builders against the golden fixtures captured from the aws CLI and the AWS SDK
//! for Rust (`fixtures/wire/`): the same call built here must have the fixture's method, path,
//! content type, target, signed-header list, credential scope and body bytes.

use std::path::PathBuf;

use cutover_bench::wire::{Builder, Flavor, Json, Service, Stamp, WireRequest};
use serde_json::Value;

fn fixture(client: &str, name: &str) -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/wire")
        .join(client)
        .join(name);
    serde_json::from_str(
        &std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    )
    .unwrap()
}

fn builder(flavor: Flavor, f: &Value) -> Builder {
    Builder {
        flavor,
        stamp: Stamp::from_amz_date(f["request"]["headers"]["x-amz-date"].as_str().unwrap()),
    }
}

/// Everything of the authorization header but the signature itself.
fn auth_prefix(auth: &str) -> &str {
    auth.rsplit_once(", Signature=").unwrap().0
}

fn check(name: &str, f: &Value, got: &WireRequest) {
    let req = &f["request"];
    let h = &req["headers"];
    assert_eq!(got.method, req["method"], "{name}: method");
    assert_eq!(got.path, req["path"], "{name}: path");
    assert_eq!(
        got.header("content-type"),
        h["content-type"].as_str(),
        "{name}: content-type"
    );
    assert_eq!(
        got.header("x-amz-target"),
        h["x-amz-target"].as_str(),
        "{name}: target"
    );
    assert_eq!(
        got.header("x-amz-date"),
        h["x-amz-date"].as_str(),
        "{name}: date"
    );
    assert_eq!(
        got.header("x-amz-user-agent").is_some(),
        h.get("x-amz-user-agent").is_some(),
        "{name}: x-amz-user-agent"
    );
    let want_auth = h["authorization"].as_str().unwrap();
    let got_auth = got.header("authorization").unwrap();
    assert_eq!(
        auth_prefix(got_auth),
        auth_prefix(want_auth),
        "{name}: authorization"
    );
    let sig = got_auth.rsplit_once("Signature=").unwrap().1;
    assert!(
        sig.len() == 64 && sig.bytes().all(|c| c.is_ascii_hexdigit()),
        "{name}: {sig}"
    );
    assert_eq!(
        std::str::from_utf8(&got.body).unwrap(),
        req["body"].as_str().unwrap(),
        "{name}: body"
    );
    // The same set of header names (host and content-length are added by the transport; user
    // agents differ in content only).
    let mut want_names: Vec<&str> = h.as_object().unwrap().keys().map(String::as_str).collect();
    let mut got_names: Vec<&str> = got.headers.iter().map(|(k, _)| *k).collect();
    want_names.sort_unstable();
    got_names.sort_unstable();
    assert_eq!(got_names, want_names, "{name}: header names");
}

#[test]
fn aws_cli_json_requests() {
    let f = fixture("aws-cli", "01-ecs-ListClusters.json");
    check(
        "cli 01",
        &f,
        &builder(Flavor::Cli, &f).json(Service::Ecs, "ListClusters", &Json::obj::<&str>([])),
    );

    let f = fixture("aws-cli", "02-ecs-CreateCluster.json");
    let body = Json::obj([
        ("clusterName", Json::str("web")),
        (
            "tags",
            Json::Arr(vec![Json::obj([
                ("key", Json::str("team")),
                ("value", Json::str("blue")),
            ])]),
        ),
        (
            "settings",
            Json::Arr(vec![Json::obj([
                ("name", Json::str("containerInsights")),
                ("value", Json::str("enabled")),
            ])]),
        ),
    ]);
    check(
        "cli 02",
        &f,
        &builder(Flavor::Cli, &f).json(Service::Ecs, "CreateCluster", &body),
    );

    let f = fixture("aws-cli", "03-ecs-DescribeClusters.json");
    let body = Json::obj([
        ("clusters", Json::strs(["web", "ghost"])),
        ("include", Json::strs(["TAGS"])),
    ]);
    check(
        "cli 03",
        &f,
        &builder(Flavor::Cli, &f).json(Service::Ecs, "DescribeClusters", &body),
    );

    let f = fixture("aws-cli", "04-ecs-ListClusters.json");
    let body = Json::obj([("maxResults", Json::Int(1))]);
    check(
        "cli 04",
        &f,
        &builder(Flavor::Cli, &f).json(Service::Ecs, "ListClusters", &body),
    );

    let f = fixture("aws-cli", "08-codedeploy-BatchGetApplications.json");
    let body = Json::obj([("applicationNames", Json::strs(["ghost"]))]);
    check(
        "cli 08",
        &f,
        &builder(Flavor::Cli, &f).json(Service::CodeDeploy, "BatchGetApplications", &body),
    );
}

#[test]
fn aws_cli_query_requests() {
    let f = fixture("aws-cli", "09-elbv2-DescribeLoadBalancers.json");
    check(
        "cli 09",
        &f,
        &builder(Flavor::Cli, &f).query("DescribeLoadBalancers", &[]),
    );

    let f = fixture("aws-cli", "11-elbv2-DescribeLoadBalancers.json");
    let got = builder(Flavor::Cli, &f).query(
        "DescribeLoadBalancers",
        &[("LoadBalancerArns.member.1", "b"), ("Names.member.1", "a")],
    );
    check("cli 11", &f, &got);

    let f = fixture("aws-cli", "12-elbv2-DeleteLoadBalancer.json");
    let got = builder(Flavor::Cli, &f).query(
        "DeleteLoadBalancer",
        &[(
            "LoadBalancerArn",
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/gone/0123456789abcdef",
        )],
    );
    check("cli 12", &f, &got);
}

#[test]
fn rust_sdk_requests() {
    let f = fixture("rust-sdk", "02-ecs-CreateCluster.json");
    let body = Json::obj([("clusterName", Json::str("sdk"))]);
    check(
        "sdk 02",
        &f,
        &builder(Flavor::RustSdk, &f).json(Service::Ecs, "CreateCluster", &body),
    );

    let f = fixture("rust-sdk", "04-ecs-DescribeClusters.json");
    let body = Json::obj([("clusters", Json::strs(["sdk", "ghost"]))]);
    check(
        "sdk 04",
        &f,
        &builder(Flavor::RustSdk, &f).json(Service::Ecs, "DescribeClusters", &body),
    );

    let f = fixture("rust-sdk", "06-codedeploy-ListApplications.json");
    check(
        "sdk 06",
        &f,
        &builder(Flavor::RustSdk, &f).json(
            Service::CodeDeploy,
            "ListApplications",
            &Json::obj::<&str>([]),
        ),
    );

    let f = fixture("rust-sdk", "09-elbv2-DescribeLoadBalancers.json");
    let got = builder(Flavor::RustSdk, &f).query(
        "DescribeLoadBalancers",
        &[
            ("Names.member.1", "a"),
            ("Names.member.2", "b"),
            ("PageSize", "10"),
        ],
    );
    check("sdk 09", &f, &got);
}

/// The form body compared as parameter sets too (order-insensitive), for every query fixture.
#[test]
fn query_bodies_as_parameter_sets() {
    for (client, flavor) in [("aws-cli", Flavor::Cli), ("rust-sdk", Flavor::RustSdk)] {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/wire")
            .join(client);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let f = fixture(client, &name);
            if f["service"] != "elbv2" {
                continue;
            }
            let body = f["request"]["body"].as_str().unwrap();
            let mut pairs: Vec<(String, String)> = form_pairs(body);
            let op = pairs.iter().find(|p| p.0 == "Action").unwrap().1.clone();
            let params: Vec<(String, String)> = pairs
                .iter()
                .filter(|p| p.0 != "Action" && p.0 != "Version")
                .cloned()
                .collect();
            let refs: Vec<(&str, &str)> = params
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let got = builder(flavor, &f).query(&op, &refs);
            let mut got_pairs = form_pairs(std::str::from_utf8(&got.body).unwrap());
            pairs.sort();
            got_pairs.sort();
            assert_eq!(got_pairs, pairs, "{client}/{name}");
        }
    }
}

fn form_pairs(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(if b[i] == b'+' { b' ' } else { b[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

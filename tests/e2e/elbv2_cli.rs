//! Issue 3 through the aws CLI (every response checked by shapecheck): the waiters
//! `load-balancer-available`, `target-in-service` and `target-deregistered` against the server
//! in scaled real time, and a weighted `modify-listener` round trip.

use reqwest::Method;
use serde_json::json;

use crate::support::server;

fn s(v: &serde_json::Value, path: &[&str]) -> String {
    let mut cur = v;
    for p in path {
        cur = match p.parse::<usize>() {
            Ok(i) => &cur[i],
            Err(_) => &cur[*p],
        };
    }
    cur.as_str()
        .unwrap_or_else(|| panic!("{path:?} in {v}"))
        .to_owned()
}

#[tokio::test]
async fn waiters_in_scaled_real_time() {
    let srv = server().await;
    // 1000 virtual seconds per real second: provisioning (30 s) and five health checks (150 s)
    // take a fraction of a real second; the CLI's waiters poll the real server.
    let (code, _) = srv
        .control(
            Method::PUT,
            "/_cutover/clock",
            Some(json!({"mode": "real", "scale": 1000})),
        )
        .await;
    assert_eq!(code, 200);
    let lb = srv
        .aws(&[
            "elbv2",
            "create-load-balancer",
            "--name",
            "alb",
            "--subnets",
            "subnet-1",
            "subnet-2",
        ])
        .await
        .assert_ok();
    let lb = s(&lb, &["LoadBalancers", "0", "LoadBalancerArn"]);
    let w = srv
        .aws(&[
            "elbv2",
            "wait",
            "load-balancer-available",
            "--load-balancer-arns",
            &lb,
        ])
        .await;
    assert_eq!(w.code, 0, "{}", w.stderr);
    w.assert_clean();
    let v = srv
        .aws(&[
            "elbv2",
            "describe-load-balancers",
            "--load-balancer-arns",
            &lb,
        ])
        .await
        .assert_ok();
    assert_eq!(s(&v, &["LoadBalancers", "0", "State", "Code"]), "active");

    let tg = srv
        .aws(&[
            "elbv2",
            "create-target-group",
            "--name",
            "tg-a",
            "--protocol",
            "HTTP",
            "--port",
            "80",
            "--vpc-id",
            "vpc-1",
            "--target-type",
            "ip",
        ])
        .await
        .assert_ok();
    let tg = s(&tg, &["TargetGroups", "0", "TargetGroupArn"]);
    srv.aws(&[
        "elbv2",
        "create-listener",
        "--load-balancer-arn",
        &lb,
        "--port",
        "80",
        "--default-actions",
        &format!("Type=forward,TargetGroupArn={tg}"),
    ])
    .await
    .assert_ok();
    srv.aws(&[
        "elbv2",
        "modify-target-group-attributes",
        "--target-group-arn",
        &tg,
        "--attributes",
        "Key=deregistration_delay.timeout_seconds,Value=20",
    ])
    .await
    .assert_ok();
    srv.aws(&[
        "elbv2",
        "register-targets",
        "--target-group-arn",
        &tg,
        "--targets",
        "Id=10.0.0.7",
        "Id=10.0.0.8",
    ])
    .await
    .assert_ok();
    let w = srv
        .aws(&[
            "elbv2",
            "wait",
            "target-in-service",
            "--target-group-arn",
            &tg,
        ])
        .await;
    assert_eq!(w.code, 0, "{}", w.stderr);
    w.assert_clean();
    let v = srv
        .aws(&["elbv2", "describe-target-health", "--target-group-arn", &tg])
        .await
        .assert_ok();
    for d in v["TargetHealthDescriptions"].as_array().unwrap() {
        assert_eq!(d["TargetHealth"]["State"], "healthy");
    }

    srv.aws(&[
        "elbv2",
        "deregister-targets",
        "--target-group-arn",
        &tg,
        "--targets",
        "Id=10.0.0.7",
    ])
    .await
    .assert_ok();
    let w = srv
        .aws(&[
            "elbv2",
            "wait",
            "target-deregistered",
            "--target-group-arn",
            &tg,
            "--targets",
            "Id=10.0.0.7",
        ])
        .await;
    assert_eq!(w.code, 0, "{}", w.stderr);
    w.assert_clean();
    let v = srv
        .aws(&["elbv2", "describe-target-health", "--target-group-arn", &tg])
        .await
        .assert_ok();
    assert_eq!(v["TargetHealthDescriptions"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn weighted_modify_listener_round_trip() {
    let srv = server().await;
    let lb = srv
        .aws(&[
            "elbv2",
            "create-load-balancer",
            "--name",
            "alb",
            "--subnets",
            "subnet-1",
            "subnet-2",
        ])
        .await
        .assert_ok();
    let lb = s(&lb, &["LoadBalancers", "0", "LoadBalancerArn"]);
    let mut tgs = Vec::new();
    for name in ["tg-a", "tg-b"] {
        let v = srv
            .aws(&[
                "elbv2",
                "create-target-group",
                "--name",
                name,
                "--protocol",
                "HTTP",
                "--port",
                "80",
                "--vpc-id",
                "vpc-1",
                "--target-type",
                "ip",
            ])
            .await
            .assert_ok();
        tgs.push(s(&v, &["TargetGroups", "0", "TargetGroupArn"]));
    }
    let l = srv
        .aws(&[
            "elbv2",
            "create-listener",
            "--load-balancer-arn",
            &lb,
            "--port",
            "80",
            "--default-actions",
            &format!("Type=forward,TargetGroupArn={}", tgs[0]),
        ])
        .await
        .assert_ok();
    let l = s(&l, &["Listeners", "0", "ListenerArn"]);
    let actions = json!([{"Type": "forward", "ForwardConfig": {
        "TargetGroups": [{"TargetGroupArn": tgs[0], "Weight": 90}, {"TargetGroupArn": tgs[1], "Weight": 10}],
        "TargetGroupStickinessConfig": {"Enabled": false}}}]);
    srv.aws(&[
        "elbv2",
        "modify-listener",
        "--listener-arn",
        &l,
        "--default-actions",
        &actions.to_string(),
    ])
    .await
    .assert_ok();
    let want =
        json!([{"TargetGroupArn": tgs[0], "Weight": 90}, {"TargetGroupArn": tgs[1], "Weight": 10}]);
    let v = srv
        .aws(&["elbv2", "describe-listeners", "--load-balancer-arn", &lb])
        .await
        .assert_ok();
    assert_eq!(
        v["Listeners"][0]["DefaultActions"][0]["ForwardConfig"]["TargetGroups"],
        want
    );
    let v = srv
        .aws(&["elbv2", "describe-rules", "--listener-arn", &l])
        .await
        .assert_ok();
    assert_eq!(v["Rules"][0]["Priority"], "default");
    assert_eq!(
        v["Rules"][0]["Actions"][0]["ForwardConfig"]["TargetGroups"],
        want
    );
    let v = srv
        .aws(&[
            "elbv2",
            "describe-target-groups",
            "--load-balancer-arn",
            &lb,
        ])
        .await
        .assert_ok();
    assert_eq!(v["TargetGroups"].as_array().unwrap().len(), 2);

    // Errors in AWS's shape: weight out of range, and a port already in use.
    let bad = json!([{"Type": "forward", "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": tgs[0], "Weight": 1000}]}}]);
    srv.aws(&[
        "elbv2",
        "modify-listener",
        "--listener-arn",
        &l,
        "--default-actions",
        &bad.to_string(),
    ])
    .await
    .assert_error("ValidationError");
    srv.aws(&[
        "elbv2",
        "create-listener",
        "--load-balancer-arn",
        &lb,
        "--port",
        "80",
        "--default-actions",
        &format!("Type=forward,TargetGroupArn={}", tgs[1]),
    ])
    .await
    .assert_error("DuplicateListener");
    srv.aws(&[
        "elbv2",
        "delete-target-group",
        "--target-group-arn",
        &tgs[1],
    ])
    .await
    .assert_error("ResourceInUse");
    srv.aws(&[
        "elbv2",
        "describe-target-health",
        "--target-group-arn",
        &format!("{}x", tgs[1]),
    ])
    .await
    .assert_error("TargetGroupNotFound");
    let v = srv
        .aws(&["elbv2", "describe-tags", "--resource-arns", &lb, &l])
        .await
        .assert_ok();
    assert_eq!(v["TagDescriptions"].as_array().unwrap().len(), 2);
}

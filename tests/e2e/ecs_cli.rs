//! Issue 4 through the aws CLI (shapecheck on every response): `ecs wait services-stable`,
//! `tasks-running` and `tasks-stopped` against the server in scaled real time.

use reqwest::Method;
use serde_json::json;

use crate::support::{repo_root, server};

#[tokio::test]
async fn ecs_waiters_in_scaled_real_time() {
    let s = server().await;
    let (code, _) = s
        .control(
            Method::PUT,
            "/_cutover/clock",
            Some(json!({"mode": "real", "scale": 1000})),
        )
        .await;
    assert_eq!(code, 200);
    s.aws(&["ecs", "create-cluster", "--cluster-name", "my-cluster"])
        .await
        .assert_ok();
    let td = repo_root().join("fixtures/task-definitions/my-app-task-v1.json");
    s.aws(&[
        "ecs",
        "register-task-definition",
        "--cli-input-json",
        &format!("file://{}", td.display()),
    ])
    .await
    .assert_ok();
    let lb = s
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
    let lb = lb["LoadBalancers"][0]["LoadBalancerArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let tg = s
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
    let tg = tg["TargetGroups"][0]["TargetGroupArn"]
        .as_str()
        .unwrap()
        .to_owned();
    s.aws(&[
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
    let net = "awsvpcConfiguration={subnets=[subnet-1,subnet-2],assignPublicIp=DISABLED}";
    s.aws(&[
        "ecs",
        "create-service",
        "--cluster",
        "my-cluster",
        "--service-name",
        "my-app-service",
        "--task-definition",
        "my-app-task",
        "--desired-count",
        "2",
        "--load-balancers",
        &format!("targetGroupArn={tg},containerName=app,containerPort=8080"),
        "--network-configuration",
        net,
    ])
    .await
    .assert_ok();
    let w = s
        .aws(&[
            "ecs",
            "wait",
            "services-stable",
            "--cluster",
            "my-cluster",
            "--services",
            "my-app-service",
        ])
        .await;
    assert_eq!(w.code, 0, "{}", w.stderr);
    w.assert_clean();
    let v = s
        .aws(&[
            "ecs",
            "describe-services",
            "--cluster",
            "my-cluster",
            "--services",
            "my-app-service",
        ])
        .await
        .assert_ok();
    assert_eq!(v["services"][0]["runningCount"], 2);
    assert_eq!(
        v["services"][0]["deployments"][0]["rolloutState"],
        "COMPLETED"
    );

    let run = s
        .aws(&[
            "ecs",
            "run-task",
            "--cluster",
            "my-cluster",
            "--task-definition",
            "my-app-task:1",
            "--network-configuration",
            net,
        ])
        .await
        .assert_ok();
    let task = run["tasks"][0]["taskArn"].as_str().unwrap().to_owned();
    let w = s
        .aws(&[
            "ecs",
            "wait",
            "tasks-running",
            "--cluster",
            "my-cluster",
            "--tasks",
            &task,
        ])
        .await;
    assert_eq!(w.code, 0, "{}", w.stderr);
    w.assert_clean();
    s.aws(&[
        "ecs",
        "stop-task",
        "--cluster",
        "my-cluster",
        "--task",
        &task,
        "--reason",
        "done",
    ])
    .await
    .assert_ok();
    let w = s
        .aws(&[
            "ecs",
            "wait",
            "tasks-stopped",
            "--cluster",
            "my-cluster",
            "--tasks",
            &task,
        ])
        .await;
    assert_eq!(w.code, 0, "{}", w.stderr);
    w.assert_clean();
    // Back to the manual clock: at 1000x a stopped task's hour of retention is 3.6 s of real time.
    let (code, _) = s
        .control(
            Method::PUT,
            "/_cutover/clock",
            Some(json!({"mode": "manual"})),
        )
        .await;
    assert_eq!(code, 200);
    let v = s
        .aws(&[
            "ecs",
            "describe-tasks",
            "--cluster",
            "my-cluster",
            "--tasks",
            &task,
        ])
        .await
        .assert_ok();
    assert_eq!(v["tasks"][0]["lastStatus"], "STOPPED");
    assert_eq!(v["tasks"][0]["stopCode"], "UserInitiated");
    let v = s
        .aws(&[
            "ecs",
            "list-tasks",
            "--cluster",
            "my-cluster",
            "--service-name",
            "my-app-service",
        ])
        .await
        .assert_ok();
    assert_eq!(v["taskArns"].as_array().unwrap().len(), 2);
    s.aws(&[
        "ecs",
        "update-service",
        "--cluster",
        "my-cluster",
        "--service",
        "ghost",
        "--desired-count",
        "1",
    ])
    .await
    .assert_error("ServiceNotFoundException");
}

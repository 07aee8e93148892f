//! The aws CLI against the server, every response checked by shapecheck against botocore's
//! model (unknown keys, types, enums, error codes, XML namespace).

use crate::support::server;

#[tokio::test]
async fn empty_reads_through_the_cli() {
    let s = server().await;
    let v = s.aws(&["ecs", "list-clusters"]).await.assert_ok();
    assert_eq!(v, serde_json::json!({"clusterArns": []}));
    let v = s.aws(&["deploy", "list-applications"]).await.assert_ok();
    assert_eq!(v, serde_json::json!({"applications": []}));
    let v = s
        .aws(&["elbv2", "describe-load-balancers"])
        .await
        .assert_ok();
    assert_eq!(v, serde_json::json!({"LoadBalancers": []}));
}

#[tokio::test]
async fn cli_errors_and_round_trips() {
    let s = server().await;
    s.aws(&["ecs", "delete-cluster", "--cluster", "ghost"])
        .await
        .assert_error("ClusterNotFoundException");
    s.aws(&["deploy", "get-application", "--application-name", "ghost"])
        .await
        .assert_error("ApplicationDoesNotExistException");
    s.aws(&["elbv2", "describe-load-balancers", "--names", "ghost"])
        .await
        .assert_error("LoadBalancerNotFound");

    let v = s
        .aws(&[
            "ecs",
            "create-cluster",
            "--cluster-name",
            "web",
            "--tags",
            "key=team,value=blue",
        ])
        .await
        .assert_ok();
    assert_eq!(v["cluster"]["clusterName"], "web");
    let v = s
        .aws(&[
            "ecs",
            "describe-clusters",
            "--clusters",
            "web",
            "ghost",
            "--include",
            "TAGS",
        ])
        .await
        .assert_ok();
    assert_eq!(v["clusters"][0]["tags"][0]["value"], "blue");
    assert_eq!(v["failures"][0]["reason"], "MISSING");
    s.aws(&[
        "deploy",
        "create-application",
        "--application-name",
        "app",
        "--compute-platform",
        "ECS",
    ])
    .await
    .assert_ok();
    let v = s
        .aws(&[
            "deploy",
            "batch-get-applications",
            "--application-names",
            "app",
        ])
        .await
        .assert_ok();
    assert_eq!(v["applicationsInfo"][0]["computePlatform"], "ECS");
    let v = s
        .aws(&[
            "elbv2",
            "create-load-balancer",
            "--name",
            "alb",
            "--subnets",
            "subnet-1",
            "subnet-2",
            "--tags",
            "Key=a,Value=b",
        ])
        .await
        .assert_ok();
    assert_eq!(v["LoadBalancers"][0]["State"]["Code"], "provisioning");
    let arn = v["LoadBalancers"][0]["LoadBalancerArn"]
        .as_str()
        .unwrap()
        .to_owned();
    s.aws(&["elbv2", "delete-load-balancer", "--load-balancer-arn", &arn])
        .await
        .assert_ok();
    s.aws(&["deploy", "delete-application", "--application-name", "app"])
        .await
        .assert_ok();
}

#[tokio::test]
async fn cli_auto_pagination_terminates() {
    let s = server().await;
    for i in 0..12 {
        s.ecs()
            .create_cluster()
            .cluster_name(format!("c{i}"))
            .send()
            .await
            .unwrap();
    }
    // --page-size makes the CLI fetch several pages and join them.
    let v = s
        .aws(&["ecs", "list-clusters", "--page-size", "5"])
        .await
        .assert_ok();
    assert_eq!(v["clusterArns"].as_array().unwrap().len(), 12);
    assert!(v.get("nextToken").is_none());
    // ELBv2's own PageSize shadows the CLI's --page-size and turns auto-pagination off (as on
    // AWS); --max-items and --starting-token still page through the CLI's token.
    for i in 0..5 {
        s.elbv2()
            .create_load_balancer()
            .name(format!("lb{i}"))
            .subnets("a")
            .subnets("b")
            .send()
            .await
            .unwrap();
    }
    let v = s
        .aws(&["elbv2", "describe-load-balancers", "--max-items", "3"])
        .await
        .assert_ok();
    assert_eq!(v["LoadBalancers"].as_array().unwrap().len(), 3);
    let token = v["NextToken"].as_str().expect("CLI token").to_owned();
    let v = s
        .aws(&[
            "elbv2",
            "describe-load-balancers",
            "--starting-token",
            &token,
        ])
        .await
        .assert_ok();
    let names: Vec<&str> = v["LoadBalancers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["LoadBalancerName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["lb3", "lb4"]);
}

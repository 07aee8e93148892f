//! Malformed input, sent by hand (no real client sends these): garbage bodies, wrong content
//! types, truncated JSON and form data, unknown targets, oversized bodies. Each gets the AWS
//! error code and status in the protocol's shape; afterwards the server still answers valid
//! requests from a real client.

use serde_json::Value;

use crate::support::server;

const JSON_CT: &str = "application/x-amz-json-1.1";
const FORM_CT: &str = "application/x-www-form-urlencoded; charset=utf-8";
const ECS: &str = "AmazonEC2ContainerServiceV20141113";

struct Raw {
    status: u16,
    content_type: String,
    request_id: Option<String>,
    body: String,
}

async fn send(url: &str, target: Option<&str>, ct: Option<&str>, body: Vec<u8>) -> Raw {
    let c = reqwest::Client::new();
    let mut r = c.post(url).body(body);
    if let Some(t) = target {
        r = r.header("X-Amz-Target", t);
    }
    if let Some(ct) = ct {
        r = r.header("Content-Type", ct);
    }
    let resp = r.send().await.unwrap();
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let request_id = resp
        .headers()
        .get("x-amzn-requestid")
        .map(|v| v.to_str().unwrap().to_owned());
    Raw {
        status,
        content_type,
        request_id,
        body: resp.text().await.unwrap(),
    }
}

fn json_code(r: &Raw) -> String {
    assert_eq!(r.content_type, JSON_CT);
    assert!(r.request_id.is_some());
    let v: Value = serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body));
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    v["__type"].as_str().unwrap().to_owned()
}

fn xml_code(r: &Raw) -> String {
    assert_eq!(r.content_type, "text/xml");
    assert!(
        r.body.contains(
            "<ErrorResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\">"
        ),
        "{}",
        r.body
    );
    assert!(r.body.contains("<Type>Sender</Type>"));
    assert!(r.body.contains("<RequestId>"));
    let start = r.body.find("<Code>").unwrap() + 6;
    let end = r.body.find("</Code>").unwrap();
    r.body[start..end].to_owned()
}

/// (target, content type, body, expected status, expected code)
type JsonCase = (
    Option<String>,
    Option<&'static str>,
    Vec<u8>,
    u16,
    &'static str,
);

#[tokio::test]
async fn json_garbage_is_answered_in_aws_shapes() {
    let s = server().await;
    let u = &s.url;
    let list = format!("{ECS}.ListClusters");
    let cases: Vec<JsonCase> = vec![
        (
            Some(list.clone()),
            Some(JSON_CT),
            b"{\"maxResults\": 5".to_vec(),
            400,
            "SerializationException",
        ),
        (
            Some(list.clone()),
            Some(JSON_CT),
            b"\x00\xff\xfe garbage".to_vec(),
            400,
            "SerializationException",
        ),
        (
            Some(list.clone()),
            Some(JSON_CT),
            b"[1,2,3]".to_vec(),
            400,
            "SerializationException",
        ),
        (
            Some(list.clone()),
            Some(JSON_CT),
            b"{\"maxResults\": \"ten\"}".to_vec(),
            400,
            "SerializationException",
        ),
        (
            Some(list.clone()),
            Some("text/plain"),
            b"{}".to_vec(),
            400,
            "SerializationException",
        ),
        (
            Some(format!("{ECS}.NoSuchOperation")),
            Some(JSON_CT),
            b"{}".to_vec(),
            400,
            "UnknownOperationException",
        ),
        (
            Some("CodeDeploy_20141006.LaunchRockets".into()),
            Some(JSON_CT),
            b"{}".to_vec(),
            400,
            "UnknownOperationException",
        ),
        (
            Some("Bogus_2020.ListClusters".into()),
            Some(JSON_CT),
            b"{}".to_vec(),
            400,
            "UnknownOperationException",
        ),
        (
            None,
            Some(JSON_CT),
            b"{}".to_vec(),
            400,
            "UnknownOperationException",
        ),
        (
            Some(format!("{ECS}.DeleteCluster")),
            Some(JSON_CT),
            b"{}".to_vec(),
            400,
            "InvalidParameterException",
        ),
        (
            Some(format!("{ECS}.DescribeClusters")),
            Some(JSON_CT),
            b"{\"include\":[\"EVERYTHING\"]}".to_vec(),
            400,
            "InvalidParameterException",
        ),
        (
            Some("CodeDeploy_20141006.GetApplication".into()),
            Some(JSON_CT),
            b"{}".to_vec(),
            400,
            "ApplicationNameRequiredException",
        ),
        (
            Some("CodeDeploy_20141006.ListApplications".into()),
            Some(JSON_CT),
            b"{\"nextToken\":\"garbage!\"}".to_vec(),
            400,
            "InvalidNextTokenException",
        ),
        (
            Some(list.clone()),
            Some(JSON_CT),
            vec![b' '; 3 * 1024 * 1024],
            413,
            "SerializationException",
        ),
    ];
    for (target, ct, body, status, code) in cases {
        let desc = format!(
            "{target:?} {ct:?} {:?}",
            String::from_utf8_lossy(&body[..body.len().min(40)])
        );
        let r = send(u, target.as_deref(), ct, body).await;
        assert_eq!(r.status, status, "{desc}: {}", r.body);
        assert_eq!(json_code(&r), code, "{desc}");
    }
    let r = send(
        u,
        Some(&format!("{ECS}.DescribeClusters")),
        Some(JSON_CT),
        b"{\"include\":[\"EVERYTHING\"]}".to_vec(),
    )
    .await;
    assert!(r.body.contains("Member must satisfy enum value set: [ATTACHMENTS, CONFIGURATIONS, SETTINGS, STATISTICS, TAGS]"), "{}", r.body);
    // Still serving a real client.
    assert!(s
        .ecs()
        .list_clusters()
        .send()
        .await
        .unwrap()
        .cluster_arns()
        .is_empty());
}

#[tokio::test]
async fn query_garbage_is_answered_in_aws_shapes() {
    let s = server().await;
    let u = &s.url;
    let cases: Vec<(Option<&str>, &[u8], u16, &str)> = vec![
        (Some(FORM_CT), b"Action=DescribeLoadBalancers", 400, "MissingParameter"),
        (Some(FORM_CT), b"Version=2015-12-01", 400, "MissingAction"),
        (Some(FORM_CT), b"Action=LaunchRockets&Version=2015-12-01", 400, "InvalidAction"),
        (Some(FORM_CT), b"Action=DescribeLoadBalancers&Version=1999-01-01", 400, "InvalidAction"),
        (Some(FORM_CT), b"Action=DescribeLoadBalancers&Version=2015-12-01&PageSize=abc", 400, "ValidationError"),
        (Some(FORM_CT), b"Action=DescribeLoadBalancers&Version=2015-12-01&PageSize=0", 400, "ValidationError"),
        (Some(FORM_CT), b"Action=DescribeLoadBalancers&Version=2015-12-01&Marker=%%%", 400, "ValidationError"),
        (Some(FORM_CT), b"Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=a&LoadBalancerArns.member.1=b", 400, "ValidationError"),
        (Some(FORM_CT), b"Action=CreateLoadBalancer&Version=2015-12-01", 400, "ValidationError"),
        (Some(FORM_CT), b"Action=CreateLoadBalancer&Version=2015-12-01&Name=x&Subnets.member.1=a&Subnets.member.2=b&Type=classic", 400, "ValidationError"),
        (Some(FORM_CT), b"Action=CreateLoadBalancer&Version=2015-12-01&Name=-bad-&Subnets.member.1=a&Subnets.member.2=b", 400, "ValidationError"),
        (Some(FORM_CT), b"Action=DeleteLoadBalancer&Version=2015-12-0", 400, "InvalidAction"),
        (Some(FORM_CT), b"Action=Descr\xffibe&Version=2015-12-01", 400, "InvalidAction"),
        (Some("text/plain"), b"Action=DescribeLoadBalancers&Version=2015-12-01", 400, "MissingAction"),
        (None, b"\x00\x01\x02", 400, "MissingAction"),
    ];
    for (ct, body, status, code) in cases {
        let desc = format!("{ct:?} {:?}", String::from_utf8_lossy(body));
        let r = send(u, None, ct, body.to_vec()).await;
        assert_eq!(r.status, status, "{desc}: {}", r.body);
        assert_eq!(xml_code(&r), code, "{desc}");
    }
    let mut big = b"Action=DescribeLoadBalancers&Version=2015-12-01&Pad=".to_vec();
    big.resize(3 * 1024 * 1024, b'a');
    let r = send(u, None, Some(FORM_CT), big).await;
    assert_eq!(r.status, 413);
    assert_eq!(xml_code(&r), "ValidationError");
    // A failed call changed nothing, and the server still serves a real client.
    assert!(s
        .elbv2()
        .describe_load_balancers()
        .send()
        .await
        .unwrap()
        .load_balancers()
        .is_empty());
}

/// Every implemented operation of the three services, fed well-formed requests with members of
/// arbitrary types and values (seeded, so a failure reproduces): AWS errors at worst, never a
/// server fault, and the server keeps its state.
#[tokio::test]
async fn arbitrary_members_never_fault_the_server() {
    // Every operation the server implements, from its own exhaustive enums.
    let ecs_ops: Vec<&str> = cutover_api::ecs::EcsOperation::ALL
        .iter()
        .map(|o| o.name())
        .collect();
    let cd_ops: Vec<&str> = cutover_api::codedeploy::CodeDeployOperation::ALL
        .iter()
        .map(|o| o.name())
        .collect();
    let elb_ops: Vec<&str> = cutover_api::elbv2::Elbv2Operation::ALL
        .iter()
        .map(|o| o.name())
        .collect();
    let mut cfg = cutover::Config::for_tests();
    cfg.bootstrap = Some(crate::support::repo_root().join("fixtures/walkthrough.yaml"));
    let s = crate::support::server_with(cfg).await;
    let mut seed: u64 = 0x5eed;
    let mut next = move |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n.max(1)
    };
    let fields = [
        "cluster",
        "service",
        "serviceName",
        "taskDefinition",
        "family",
        "containerDefinitions",
        "desiredCount",
        "loadBalancers",
        "networkConfiguration",
        "tasks",
        "task",
        "taskSet",
        "scale",
        "include",
        "resourceArn",
        "tags",
        "tagKeys",
        "applicationName",
        "deploymentGroupName",
        "revision",
        "deploymentId",
        "deploymentIds",
        "targetIds",
        "targetId",
        "ecsServices",
        "loadBalancerInfo",
        "blueGreenDeploymentConfiguration",
        "deploymentStyle",
        "trafficRoutingConfig",
        "status",
        "lifecycleEventHookExecutionId",
        "createTimeRange",
        "maxResults",
        "nextToken",
        "services",
        "clusters",
        "count",
        "deploymentConfigName",
        "computePlatform",
        "serviceRoleArn",
        "deploymentController",
        "deploymentConfiguration",
        "taskSets",
        "primaryTaskSet",
        "force",
        "ResourceArn",
        "Tags",
    ];
    let values = [
        serde_json::json!(null),
        serde_json::json!(0),
        serde_json::json!(-1),
        serde_json::json!(1u64 << 40),
        serde_json::json!(""),
        serde_json::json!("x".repeat(300)),
        serde_json::json!([]),
        serde_json::json!([null]),
        serde_json::json!([1, "a", {}]),
        serde_json::json!({}),
        serde_json::json!({"a": [{}]}),
        serde_json::json!(true),
        serde_json::json!(1.5),
        serde_json::json!("arn:aws:ecs:us-east-1:123456789012:service/my-cluster/my-app-service"),
        serde_json::json!("d-AAAAAAAAA"),
        serde_json::json!("my-app"),
        serde_json::json!("my-cluster"),
        serde_json::json!("my-app-task:1"),
    ];
    let mut requests = 0;
    for (prefix, ops) in [
        ("AmazonEC2ContainerServiceV20141113", &ecs_ops),
        ("CodeDeploy_20141006", &cd_ops),
    ] {
        for op in ops.iter() {
            for _ in 0..15 {
                let mut body = serde_json::Map::new();
                for _ in 0..next(7) {
                    body.insert(
                        fields[next(fields.len())].to_owned(),
                        values[next(values.len())].clone(),
                    );
                }
                let r = send(
                    &s.url,
                    Some(&format!("{prefix}.{op}")),
                    Some(JSON_CT),
                    serde_json::to_vec(&body).unwrap(),
                )
                .await;
                assert!(r.status < 500, "{op} {body:?} → {} {}", r.status, r.body);
                requests += 1;
            }
        }
    }
    let keys = [
        "Name",
        "LoadBalancerArn",
        "TargetGroupArn",
        "ListenerArn",
        "RuleArn",
        "Port",
        "Protocol",
        "Subnets.member.1",
        "Subnets.member.2",
        "Targets.member.1.Id",
        "Targets.member.1.Port",
        "DefaultActions.member.1.Type",
        "DefaultActions.member.1.TargetGroupArn",
        "DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight",
        "Actions.member.1.Type",
        "Conditions.member.1.Field",
        "Conditions.member.1.Values.member.1",
        "Priority",
        "PageSize",
        "Marker",
        "Names.member.1",
        "ResourceArns.member.1",
        "Tags.member.1.Key",
        "TagKeys.member.1",
        "Attributes.member.1.Key",
        "Attributes.member.1.Value",
        "RulePriorities.member.1.RuleArn",
        "RulePriorities.member.1.Priority",
        "VpcId",
        "TargetType",
        "HealthCheckIntervalSeconds",
    ];
    let vals = [
        "",
        "x",
        "-1",
        "999999999999",
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-a/0",
        "forward",
        "fixed-response",
        "redirect",
        "path-pattern",
        "80",
        "HTTP",
        "ip",
        "%00",
        "true",
    ];
    for op in &elb_ops {
        for _ in 0..15 {
            let mut body = format!("Action={op}&Version=2015-12-01");
            for _ in 0..next(9) {
                body.push_str(&format!(
                    "&{}={}",
                    keys[next(keys.len())],
                    vals[next(vals.len())]
                ));
            }
            let r = send(&s.url, None, Some(FORM_CT), body.clone().into_bytes()).await;
            assert!(r.status < 500, "{op} {body} → {} {}", r.status, r.body);
            requests += 1;
        }
    }
    assert!(requests > 1000);
    // The walkthrough environment is still intact.
    let d = s
        .ecs()
        .describe_services()
        .cluster("my-cluster")
        .services("my-app-service")
        .send()
        .await
        .unwrap();
    assert_eq!(d.services()[0].running_count(), 2);
}

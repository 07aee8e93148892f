//! Shared by the dashboard tests: raw AWS requests (awsJson1.1 for ECS and CodeDeploy, awsQuery
//! for ELBv2) against an in-process server, and the rehearsal story's setup.
// Each test binary uses its own part of this module.
#![allow(dead_code)]

use serde_json::{json, Value};

pub struct Client {
    pub http: reqwest::Client,
    pub url: String,
}

impl Client {
    pub fn new(url: String) -> Self {
        Client {
            http: reqwest::Client::new(),
            url,
        }
    }

    async fn json_call(&self, target: &str, body: Value) -> Value {
        let r = self
            .http
            .post(format!("{}/", self.url))
            .header("x-amz-target", target)
            .header("content-type", "application/x-amz-json-1.1")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        assert!(status.is_success(), "{target}: HTTP {status}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    pub async fn ecs(&self, op: &str, body: Value) -> Value {
        self.json_call(&format!("AmazonEC2ContainerServiceV20141113.{op}"), body)
            .await
    }

    pub async fn codedeploy(&self, op: &str, body: Value) -> Value {
        self.json_call(&format!("CodeDeploy_20141006.{op}"), body)
            .await
    }

    /// An ELBv2 (awsQuery) call; returns the XML response.
    pub async fn elbv2(&self, action: &str, params: &[(&str, &str)]) -> String {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("Action", action)
            .append_pair("Version", "2015-12-01");
        for (k, v) in params {
            form.append_pair(k, v);
        }
        let r = self
            .http
            .post(format!("{}/", self.url))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.finish())
            .send()
            .await
            .unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        assert!(status.is_success(), "{action}: HTTP {status}: {text}");
        text
    }

    /// `POST /_cutover/clock/advance`.
    pub async fn advance(&self, seconds: f64) {
        let r = self
            .http
            .post(format!("{}/_cutover/clock/advance", self.url))
            .json(&json!({ "seconds": seconds }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }
}

/// The text of the first `<tag>` element of an XML document.
pub fn xml_value(xml: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("no <{tag}> in {xml}"))
        + open.len();
    let end = xml[start..].find('<').unwrap() + start;
    xml[start..end].to_owned()
}

pub struct Story {
    pub tg_a: String,
    pub tg_b: String,
    pub prod: String,
    pub test: String,
    pub v1: String,
    pub v2: String,
}

async fn task_def(c: &Client, image: &str) -> String {
    let v = c
        .ecs(
            "RegisterTaskDefinition",
            json!({
                "family": "my-app-task", "networkMode": "awsvpc",
                "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
                "containerDefinitions": [{"name": "app", "image": image, "essential": true,
                    "portMappings": [{"containerPort": 8080}]}],
            }),
        )
        .await;
    v["taskDefinition"]["taskDefinitionArn"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn target_group(c: &Client, name: &str) -> String {
    let x = c
        .elbv2(
            "CreateTargetGroup",
            &[
                ("Name", name),
                ("Protocol", "HTTP"),
                ("Port", "80"),
                ("VpcId", "vpc-0abc"),
                ("TargetType", "ip"),
            ],
        )
        .await;
    xml_value(&x, "TargetGroupArn")
}

async fn listener(c: &Client, lb: &str, port: &str, tg: &str) -> String {
    let x = c
        .elbv2(
            "CreateListener",
            &[
                ("LoadBalancerArn", lb),
                ("Port", port),
                ("Protocol", "HTTP"),
                ("DefaultActions.member.1.Type", "forward"),
                ("DefaultActions.member.1.TargetGroupArn", tg),
            ],
        )
        .await;
    xml_value(&x, "ListenerArn")
}

/// The rehearsal story at rest (as `tests/e2e/deployments.rs::story`): `my-app-service`
/// (CODE_DEPLOY, 2 tasks of v1) in TG-A behind the production listener and a test listener;
/// TG-B spare; the app `my-app` and its group `my-app-dg` (linear 10 % every minute, 5 minutes
/// of termination wait).
pub async fn story(c: &Client) -> Story {
    c.ecs("CreateCluster", json!({"clusterName": "my-cluster"}))
        .await;
    let lb = c
        .elbv2(
            "CreateLoadBalancer",
            &[
                ("Name", "alb"),
                ("Subnets.member.1", "subnet-1"),
                ("Subnets.member.2", "subnet-2"),
            ],
        )
        .await;
    let lb = xml_value(&lb, "LoadBalancerArn");
    let tg_a = target_group(c, "tg-a").await;
    let tg_b = target_group(c, "tg-b").await;
    let prod = listener(c, &lb, "80", &tg_a).await;
    let test = listener(c, &lb, "8080", &tg_a).await;
    let v1 = task_def(c, "my-app:v1").await;
    let v2 = task_def(c, "my-app:v2").await;
    c.ecs(
        "CreateService",
        json!({
            "cluster": "my-cluster", "serviceName": "my-app-service", "taskDefinition": v1,
            "desiredCount": 2, "deploymentController": {"type": "CODE_DEPLOY"},
            "loadBalancers": [{"targetGroupArn": tg_a, "containerName": "app", "containerPort": 8080}],
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1", "subnet-2"]}},
        }),
    )
    .await;
    c.advance(200.0).await;
    c.codedeploy(
        "CreateApplication",
        json!({"applicationName": "my-app", "computePlatform": "ECS"}),
    )
    .await;
    c.codedeploy(
        "CreateDeploymentGroup",
        json!({
            "applicationName": "my-app", "deploymentGroupName": "my-app-dg",
            "serviceRoleArn": "arn:aws:iam::123456789012:role/ecsCodeDeployRole",
            "deploymentConfigName": "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
            "deploymentStyle": {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
            "blueGreenDeploymentConfiguration": {
                "terminateBlueInstancesOnDeploymentSuccess": {"action": "TERMINATE", "terminationWaitTimeInMinutes": 5},
                "deploymentReadyOption": {"actionOnTimeout": "CONTINUE_DEPLOYMENT", "waitTimeInMinutes": 0},
            },
            "ecsServices": [{"serviceName": "my-app-service", "clusterName": "my-cluster"}],
            "loadBalancerInfo": {"targetGroupPairInfoList": [{
                "targetGroups": [{"name": "tg-a"}, {"name": "tg-b"}],
                "prodTrafficRoute": {"listenerArns": [prod]},
                "testTrafficRoute": {"listenerArns": [test]},
            }]},
            "autoRollbackConfiguration": {"enabled": true, "events": ["DEPLOYMENT_FAILURE"]},
        }),
    )
    .await;
    Story {
        tg_a,
        tg_b,
        prod,
        test,
        v1,
        v2,
    }
}

/// Creates a deployment of `td` with these (lifecycle event, function) hooks; returns its id.
pub async fn deploy(c: &Client, td: &str, hooks: &[(&str, &str)]) -> String {
    let mut spec = format!(
        "version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: \"{td}\"\n        LoadBalancerInfo:\n          ContainerName: \"app\"\n          ContainerPort: 8080\n"
    );
    if !hooks.is_empty() {
        spec.push_str("Hooks:\n");
        for (e, f) in hooks {
            spec.push_str(&format!("  - {e}: \"{f}\"\n"));
        }
    }
    let v = c
        .codedeploy(
            "CreateDeployment",
            json!({
                "applicationName": "my-app", "deploymentGroupName": "my-app-dg",
                "revision": {"revisionType": "AppSpecContent", "appSpecContent": {"content": spec}},
            }),
        )
        .await;
    v["deploymentId"].as_str().unwrap().to_owned()
}

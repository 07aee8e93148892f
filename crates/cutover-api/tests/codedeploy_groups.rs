//! Handler-level tests of the CodeDeploy deployment group, deployment config and tag
//! operations: JSON bodies through the generated dispatcher, answers and error codes as a client
//! would see them.

use cutover_api::Operation;
use cutover_core::{Clock, ClockMode, PartitionKey, VTime, World};
use cutover_wire::detect::Service;
use serde_json::{json, Value};

const START_MS: i64 = 1_795_000_000_000;
const LB: &str =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/my-alb/0123456789abcdef";
const ROLE: &str = "arn:aws:iam::123456789012:role/ecsCodeDeployRole";
const APP_ARN: &str = "arn:aws:codedeploy:us-east-1:123456789012:application:my-app";
const DG_ARN: &str = "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:my-app/my-app-dg";

struct Env {
    world: World,
    pk: PartitionKey,
}

impl Env {
    fn new() -> Self {
        let mut e = Env {
            world: World::new(Clock::starting_at(VTime(START_MS), ClockMode::Manual, 1.0)),
            pk: PartitionKey::new("123456789012", "us-east-1"),
        };
        e.ok(
            "CreateApplication",
            json!({"applicationName": "my-app", "computePlatform": "ECS",
                   "tags": [{"Key": "team", "Value": "blue"}]}),
        );
        e
    }

    fn call(&mut self, op: &str, body: Value) -> Result<Value, (String, String)> {
        let op = Operation::resolve(Service::CodeDeploy, op).expect("known operation");
        let body = serde_json::to_vec(&body).unwrap();
        match op.call(&mut self.world.scope(&self.pk), &body, None, "rid") {
            Ok(b) => {
                let v: Value = serde_json::from_slice(&b).unwrap();
                assert_no_nulls(&v);
                Ok(v)
            }
            Err(e) => {
                assert_eq!(e.status, 400, "{e:?}");
                Err((e.code.into_owned(), e.message))
            }
        }
    }

    fn ok(&mut self, op: &str, body: Value) -> Value {
        self.call(op, body)
            .unwrap_or_else(|e| panic!("{op} failed: {e:?}"))
    }

    fn code(&mut self, op: &str, body: Value) -> String {
        match self.call(op, body) {
            Ok(v) => panic!("{op} succeeded: {v}"),
            Err((code, _)) => code,
        }
    }

    fn get(&mut self, name: &str) -> Value {
        self.ok(
            "GetDeploymentGroup",
            json!({"applicationName": "my-app", "deploymentGroupName": name}),
        )["deploymentGroupInfo"]
            .clone()
    }
}

fn assert_no_nulls(v: &Value) {
    match v {
        Value::Null => panic!("null in response"),
        Value::Array(a) => a.iter().for_each(assert_no_nulls),
        Value::Object(m) => m.values().for_each(assert_no_nulls),
        _ => {}
    }
}

fn listener(id: &str) -> String {
    format!("{LB}/{id}")
}

/// The story's group: `my-app-dg` deploying `my-app-service` in `my-cluster` over tg-a/tg-b.
fn group() -> Value {
    json!({
        "applicationName": "my-app",
        "deploymentGroupName": "my-app-dg",
        "deploymentConfigName": "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
        "serviceRoleArn": ROLE,
        "deploymentStyle": {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
        "blueGreenDeploymentConfiguration": {
            "terminateBlueInstancesOnDeploymentSuccess": {"action": "TERMINATE", "terminationWaitTimeInMinutes": 5},
            "deploymentReadyOption": {"actionOnTimeout": "CONTINUE_DEPLOYMENT", "waitTimeInMinutes": 0}
        },
        "ecsServices": [{"serviceName": "my-app-service", "clusterName": "my-cluster"}],
        "loadBalancerInfo": {"targetGroupPairInfoList": [{
            "targetGroups": [{"name": "tg-a"}, {"name": "tg-b"}],
            "prodTrafficRoute": {"listenerArns": [listener("1111111111111111")]},
            "testTrafficRoute": {"listenerArns": [listener("2222222222222222")]}
        }]},
        "autoRollbackConfiguration": {"enabled": true, "events": ["DEPLOYMENT_FAILURE"]},
        "tags": [{"Key": "env", "Value": "dev"}]
    })
}

fn with(mut base: Value, path: &[&str], v: Value) -> Value {
    let mut cur = &mut base;
    for p in &path[..path.len() - 1] {
        cur = match cur {
            Value::Array(a) => &mut a[p.parse::<usize>().unwrap()],
            other => &mut other[*p],
        };
    }
    let last = path[path.len() - 1];
    if v.is_null() {
        cur.as_object_mut().unwrap().remove(last);
    } else {
        cur[last] = v;
    }
    base
}

#[test]
fn create_and_get_an_ecs_group() {
    let mut e = Env::new();
    let id = e.ok("CreateDeploymentGroup", group())["deploymentGroupId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 36);
    let g = e.get("my-app-dg");
    assert_eq!(g["deploymentGroupId"], id);
    assert_eq!(g["applicationName"], "my-app");
    assert_eq!(g["computePlatform"], "ECS");
    assert_eq!(
        g["deploymentConfigName"],
        "CodeDeployDefault.ECSLinear10PercentEvery1Minutes"
    );
    assert_eq!(g["serviceRoleArn"], ROLE);
    assert_eq!(
        g["ecsServices"],
        json!([{"serviceName": "my-app-service", "clusterName": "my-cluster"}])
    );
    assert_eq!(
        g["deploymentStyle"],
        json!({"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"})
    );
    let bg = &g["blueGreenDeploymentConfiguration"];
    assert_eq!(
        bg["terminateBlueInstancesOnDeploymentSuccess"]["terminationWaitTimeInMinutes"],
        5
    );
    assert_eq!(bg["deploymentReadyOption"]["waitTimeInMinutes"], 0);
    assert!(bg.get("greenFleetProvisioningOption").is_none());
    let pair = &g["loadBalancerInfo"]["targetGroupPairInfoList"][0];
    assert_eq!(
        pair["targetGroups"],
        json!([{"name": "tg-a"}, {"name": "tg-b"}])
    );
    assert_eq!(
        pair["testTrafficRoute"]["listenerArns"][0],
        listener("2222222222222222")
    );
    assert!(g["loadBalancerInfo"].get("elbInfoList").is_none());
    assert_eq!(
        g["autoRollbackConfiguration"],
        json!({"enabled": true, "events": ["DEPLOYMENT_FAILURE"]})
    );
    assert_eq!(
        g["alarmConfiguration"],
        json!({"enabled": false, "ignorePollAlarmFailure": false, "alarms": []})
    );
    assert_eq!(g["triggerConfigurations"], json!([]));
    assert_eq!(g["ec2TagFilters"], json!([]));
    assert_eq!(g["autoScalingGroups"], json!([]));
    assert_eq!(g["outdatedInstancesStrategy"], "UPDATE");
    assert_eq!(g["terminationHookEnabled"], false);
    assert!(g.get("lastSuccessfulDeployment").is_none());

    // Defaults: ECSAllAtOnce, no test route.
    let minimal = with(
        with(
            with(group(), &["deploymentGroupName"], json!("dg2")),
            &["deploymentConfigName"],
            Value::Null,
        ),
        &["ecsServices", "0", "serviceName"],
        json!("other-service"),
    );
    let minimal = with(
        minimal,
        &[
            "loadBalancerInfo",
            "targetGroupPairInfoList",
            "0",
            "testTrafficRoute",
        ],
        Value::Null,
    );
    e.ok("CreateDeploymentGroup", minimal);
    let g = e.get("dg2");
    assert_eq!(g["deploymentConfigName"], "CodeDeployDefault.ECSAllAtOnce");
    assert!(g["loadBalancerInfo"]["targetGroupPairInfoList"][0]
        .get("testTrafficRoute")
        .is_none());
}

#[test]
fn create_validation_errors() {
    let mut e = Env::new();
    let cases: Vec<(Value, &str)> = vec![
        (
            with(group(), &["applicationName"], Value::Null),
            "ApplicationNameRequiredException",
        ),
        (
            with(group(), &["applicationName"], json!("ghost")),
            "ApplicationDoesNotExistException",
        ),
        (
            with(group(), &["deploymentGroupName"], Value::Null),
            "DeploymentGroupNameRequiredException",
        ),
        (
            with(group(), &["deploymentGroupName"], json!("x".repeat(101))),
            "InvalidDeploymentGroupNameException",
        ),
        (
            with(group(), &["serviceRoleArn"], Value::Null),
            "RoleRequiredException",
        ),
        (
            with(group(), &["serviceRoleArn"], json!("ecsCodeDeployRole")),
            "InvalidRoleException",
        ),
        (
            with(
                group(),
                &["serviceRoleArn"],
                json!("arn:aws:iam::123:role/x"),
            ),
            "InvalidRoleException",
        ),
        (
            with(group(), &["deploymentStyle"], Value::Null),
            "InvalidDeploymentStyleException",
        ),
        (
            with(
                group(),
                &["deploymentStyle", "deploymentType"],
                json!("IN_PLACE"),
            ),
            "InvalidDeploymentStyleException",
        ),
        (
            with(
                group(),
                &["deploymentStyle", "deploymentOption"],
                json!("WITHOUT_TRAFFIC_CONTROL"),
            ),
            "InvalidDeploymentStyleException",
        ),
        (
            with(
                group(),
                &["deploymentStyle", "deploymentType"],
                json!("SIDEWAYS"),
            ),
            "InvalidDeploymentStyleException",
        ),
        (
            with(group(), &["blueGreenDeploymentConfiguration"], Value::Null),
            "InvalidBlueGreenDeploymentConfigurationException",
        ),
        (
            with(
                group(),
                &["blueGreenDeploymentConfiguration", "deploymentReadyOption"],
                Value::Null,
            ),
            "InvalidBlueGreenDeploymentConfigurationException",
        ),
        (
            with(
                group(),
                &[
                    "blueGreenDeploymentConfiguration",
                    "terminateBlueInstancesOnDeploymentSuccess",
                ],
                Value::Null,
            ),
            "InvalidBlueGreenDeploymentConfigurationException",
        ),
        (
            with(
                group(),
                &[
                    "blueGreenDeploymentConfiguration",
                    "greenFleetProvisioningOption",
                ],
                json!({"action": "DISCOVER_EXISTING"}),
            ),
            "InvalidBlueGreenDeploymentConfigurationException",
        ),
        (
            with(
                group(),
                &[
                    "blueGreenDeploymentConfiguration",
                    "terminateBlueInstancesOnDeploymentSuccess",
                    "terminationWaitTimeInMinutes",
                ],
                json!(2881),
            ),
            "InvalidBlueGreenDeploymentConfigurationException",
        ),
        (
            with(
                group(),
                &[
                    "blueGreenDeploymentConfiguration",
                    "deploymentReadyOption",
                    "actionOnTimeout",
                ],
                json!("WAIT"),
            ),
            "InvalidBlueGreenDeploymentConfigurationException",
        ),
        (
            with(group(), &["ecsServices"], Value::Null),
            "InvalidECSServiceException",
        ),
        (
            with(group(), &["ecsServices"], json!([])),
            "InvalidECSServiceException",
        ),
        (
            with(
                group(),
                &["ecsServices"],
                json!([{"serviceName": "a", "clusterName": "c"}, {"serviceName": "b", "clusterName": "c"}]),
            ),
            "InvalidECSServiceException",
        ),
        (
            with(group(), &["ecsServices", "0", "clusterName"], Value::Null),
            "InvalidECSServiceException",
        ),
        (
            with(group(), &["loadBalancerInfo"], Value::Null),
            "InvalidLoadBalancerInfoException",
        ),
        (
            with(
                group(),
                &["loadBalancerInfo", "elbInfoList"],
                json!([{"name": "clb"}]),
            ),
            "InvalidLoadBalancerInfoException",
        ),
        (
            with(
                group(),
                &["loadBalancerInfo", "targetGroupPairInfoList"],
                json!([]),
            ),
            "InvalidTargetGroupPairException",
        ),
        (
            with(
                group(),
                &[
                    "loadBalancerInfo",
                    "targetGroupPairInfoList",
                    "0",
                    "targetGroups",
                ],
                json!([{"name": "tg-a"}]),
            ),
            "InvalidTargetGroupPairException",
        ),
        (
            with(
                group(),
                &[
                    "loadBalancerInfo",
                    "targetGroupPairInfoList",
                    "0",
                    "targetGroups",
                ],
                json!([{"name": "tg-a"}, {"name": "tg-a"}]),
            ),
            "InvalidTargetGroupPairException",
        ),
        (
            with(
                group(),
                &[
                    "loadBalancerInfo",
                    "targetGroupPairInfoList",
                    "0",
                    "targetGroups",
                ],
                json!([{"name": "a"}, {"name": "b"}, {"name": "c"}]),
            ),
            "InvalidTargetGroupPairException",
        ),
        (
            with(
                group(),
                &[
                    "loadBalancerInfo",
                    "targetGroupPairInfoList",
                    "0",
                    "prodTrafficRoute",
                ],
                Value::Null,
            ),
            "InvalidTargetGroupPairException",
        ),
        (
            with(
                group(),
                &[
                    "loadBalancerInfo",
                    "targetGroupPairInfoList",
                    "0",
                    "prodTrafficRoute",
                    "listenerArns",
                ],
                json!([listener("1"), listener("3")]),
            ),
            "InvalidTargetGroupPairException",
        ),
        (
            with(
                group(),
                &[
                    "loadBalancerInfo",
                    "targetGroupPairInfoList",
                    "0",
                    "prodTrafficRoute",
                    "listenerArns",
                ],
                json!(["port-80"]),
            ),
            "InvalidTargetGroupPairException",
        ),
        (
            with(
                group(),
                &[
                    "loadBalancerInfo",
                    "targetGroupPairInfoList",
                    "0",
                    "testTrafficRoute",
                    "listenerArns",
                ],
                json!([listener("1111111111111111")]),
            ),
            "InvalidTargetGroupPairException",
        ),
        (
            with(group(), &["deploymentConfigName"], json!("Nope")),
            "DeploymentConfigDoesNotExistException",
        ),
        (
            with(
                group(),
                &["deploymentConfigName"],
                json!("CodeDeployDefault.OneAtATime"),
            ),
            "InvalidDeploymentConfigNameException",
        ),
        (
            with(group(), &["deploymentConfigName"], json!("")),
            "InvalidDeploymentConfigNameException",
        ),
        (
            with(
                group(),
                &["alarmConfiguration"],
                json!({"enabled": true, "alarms": []}),
            ),
            "InvalidAlarmConfigException",
        ),
        (
            with(
                group(),
                &["alarmConfiguration"],
                json!({"enabled": true, "alarms": (0..11).map(|i| json!({"name": format!("a{i}")})).collect::<Vec<_>>()}),
            ),
            "AlarmsLimitExceededException",
        ),
        (
            with(
                group(),
                &["autoRollbackConfiguration"],
                json!({"enabled": true, "events": []}),
            ),
            "InvalidAutoRollbackConfigException",
        ),
        (
            with(
                group(),
                &["autoRollbackConfiguration"],
                json!({"events": ["DEPLOYMENT_FAILURE"]}),
            ),
            "InvalidAutoRollbackConfigException",
        ),
        (
            with(
                group(),
                &["autoRollbackConfiguration"],
                json!({"enabled": true, "events": ["OOPS"]}),
            ),
            "InvalidAutoRollbackConfigException",
        ),
        (
            with(
                group(),
                &["triggerConfigurations"],
                json!([{"triggerName": "t", "triggerTargetArn": "arn:aws:sns:us-east-1:123456789012:topic", "triggerEvents": ["Nope"]}]),
            ),
            "InvalidTriggerConfigException",
        ),
        (
            with(
                group(),
                &["ec2TagFilters"],
                json!([{"Key": "k", "Value": "v", "Type": "KEY_AND_VALUE"}]),
            ),
            "InvalidEC2TagException",
        ),
        (
            with(group(), &["autoScalingGroups"], json!(["asg"])),
            "InvalidAutoScalingGroupException",
        ),
        (
            with(group(), &["outdatedInstancesStrategy"], json!("SOMETIMES")),
            "InvalidInputException",
        ),
        (
            with(
                group(),
                &["tags"],
                json!([{"Key": "aws:reserved", "Value": "x"}]),
            ),
            "InvalidTagsToAddException",
        ),
    ];
    for (body, want) in cases {
        let got = e.code("CreateDeploymentGroup", body.clone());
        assert_eq!(got, want, "for {body}");
    }
    // Nothing was created by the failures.
    let v = e.ok("ListDeploymentGroups", json!({"applicationName": "my-app"}));
    assert_eq!(v["deploymentGroups"], json!([]));

    e.ok("CreateDeploymentGroup", group());
    assert_eq!(
        e.code("CreateDeploymentGroup", group()),
        "DeploymentGroupAlreadyExistsException"
    );
    // The same ECS service cannot belong to a second group, even of another application.
    e.ok(
        "CreateApplication",
        json!({"applicationName": "other", "computePlatform": "ECS"}),
    );
    let again = with(
        with(group(), &["applicationName"], json!("other")),
        &["tags"],
        Value::Null,
    );
    assert_eq!(
        e.code("CreateDeploymentGroup", again),
        "ECSServiceMappingLimitExceededException"
    );
    // A wrongly typed member is a serialization error.
    assert_eq!(
        e.code(
            "CreateDeploymentGroup",
            with(group(), &["ecsServices"], json!("svc"))
        ),
        "SerializationException"
    );
}

#[test]
fn server_and_lambda_groups() {
    let mut e = Env::new();
    e.ok("CreateApplication", json!({"applicationName": "srv"}));
    e.ok(
        "CreateApplication",
        json!({"applicationName": "fn", "computePlatform": "Lambda"}),
    );
    e.ok(
        "CreateDeploymentGroup",
        json!({"applicationName": "srv", "deploymentGroupName": "g", "serviceRoleArn": ROLE,
               "ec2TagFilters": [{"Key": "app", "Value": "web", "Type": "KEY_AND_VALUE"}],
               "autoScalingGroups": ["asg-1"]}),
    );
    let g = e.ok(
        "GetDeploymentGroup",
        json!({"applicationName": "srv", "deploymentGroupName": "g"}),
    )["deploymentGroupInfo"]
        .clone();
    assert_eq!(g["deploymentConfigName"], "CodeDeployDefault.OneAtATime");
    assert_eq!(g["computePlatform"], "Server");
    assert_eq!(
        g["deploymentStyle"],
        json!({"deploymentType": "IN_PLACE", "deploymentOption": "WITHOUT_TRAFFIC_CONTROL"})
    );
    assert_eq!(g["ec2TagFilters"][0]["Key"], "app");
    assert_eq!(g["autoScalingGroups"], json!([{"name": "asg-1"}]));
    assert!(g.get("blueGreenDeploymentConfiguration").is_none());
    assert_eq!(
        e.code(
            "CreateDeploymentGroup",
            json!({"applicationName": "srv", "deploymentGroupName": "g2", "serviceRoleArn": ROLE,
                   "ecsServices": [{"serviceName": "s", "clusterName": "c"}]})
        ),
        "InvalidECSServiceException"
    );
    e.ok(
        "CreateDeploymentGroup",
        json!({"applicationName": "fn", "deploymentGroupName": "g", "serviceRoleArn": ROLE}),
    );
    let g = e.ok(
        "GetDeploymentGroup",
        json!({"applicationName": "fn", "deploymentGroupName": "g"}),
    )["deploymentGroupInfo"]
        .clone();
    assert_eq!(
        g["deploymentConfigName"],
        "CodeDeployDefault.LambdaAllAtOnce"
    );
    assert_eq!(g["deploymentStyle"]["deploymentType"], "BLUE_GREEN");
}

#[test]
fn get_batch_list_update_delete() {
    let mut e = Env::new();
    e.ok("CreateDeploymentGroup", group());
    assert_eq!(
        e.code(
            "GetDeploymentGroup",
            json!({"applicationName": "my-app", "deploymentGroupName": "ghost"})
        ),
        "DeploymentGroupDoesNotExistException"
    );
    assert_eq!(
        e.code(
            "GetDeploymentGroup",
            json!({"applicationName": "ghost", "deploymentGroupName": "my-app-dg"})
        ),
        "ApplicationDoesNotExistException"
    );
    assert_eq!(
        e.code("GetDeploymentGroup", json!({"applicationName": "my-app"})),
        "DeploymentGroupNameRequiredException"
    );

    let v = e.ok(
        "BatchGetDeploymentGroups",
        json!({"applicationName": "my-app", "deploymentGroupNames": ["my-app-dg", "ghost"]}),
    );
    assert_eq!(v["deploymentGroupsInfo"].as_array().unwrap().len(), 1);
    assert!(v["errorMessage"].as_str().unwrap().contains("ghost"));
    let v = e.ok(
        "BatchGetDeploymentGroups",
        json!({"applicationName": "my-app", "deploymentGroupNames": ["my-app-dg"]}),
    );
    assert!(v.get("errorMessage").is_none());
    let many: Vec<String> = (0..26).map(|i| format!("g{i}")).collect();
    assert_eq!(
        e.code(
            "BatchGetDeploymentGroups",
            json!({"applicationName": "my-app", "deploymentGroupNames": many})
        ),
        "BatchLimitExceededException"
    );
    assert_eq!(
        e.code(
            "BatchGetDeploymentGroups",
            json!({"applicationName": "my-app"})
        ),
        "DeploymentGroupNameRequiredException"
    );

    // Partial update: only the config changes; rename keeps the id.
    let id = e.get("my-app-dg")["deploymentGroupId"].clone();
    let v = e.ok(
        "UpdateDeploymentGroup",
        json!({"applicationName": "my-app", "currentDeploymentGroupName": "my-app-dg",
               "newDeploymentGroupName": "renamed",
               "deploymentConfigName": "CodeDeployDefault.ECSCanary10Percent5Minutes"}),
    );
    assert_eq!(v, json!({"hooksNotCleanedUp": []}));
    let g = e.get("renamed");
    assert_eq!(g["deploymentGroupId"], id);
    assert_eq!(
        g["deploymentConfigName"],
        "CodeDeployDefault.ECSCanary10Percent5Minutes"
    );
    assert_eq!(g["ecsServices"][0]["serviceName"], "my-app-service");
    assert_eq!(g["autoRollbackConfiguration"]["enabled"], true);
    // Tags follow the rename.
    let tags = e.ok(
        "ListTagsForResource",
        json!({"ResourceArn": "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:my-app/renamed"}),
    );
    assert_eq!(tags["Tags"], json!([{"Key": "env", "Value": "dev"}]));
    // The same validation as create, and the group keeps its own ECS service.
    for (body, want) in [
        (
            json!({"deploymentStyle": {"deploymentType": "IN_PLACE", "deploymentOption": "WITHOUT_TRAFFIC_CONTROL"}}),
            "InvalidDeploymentStyleException",
        ),
        (json!({"ecsServices": []}), "InvalidECSServiceException"),
        (json!({"serviceRoleArn": ""}), "InvalidRoleException"),
        (
            json!({"deploymentConfigName": "Nope"}),
            "DeploymentConfigDoesNotExistException",
        ),
        (
            json!({"newDeploymentGroupName": ""}),
            "DeploymentGroupNameRequiredException",
        ),
    ] {
        let mut body = body;
        body["applicationName"] = json!("my-app");
        body["currentDeploymentGroupName"] = json!("renamed");
        assert_eq!(
            e.code("UpdateDeploymentGroup", body.clone()),
            want,
            "for {body}"
        );
    }
    e.ok(
        "UpdateDeploymentGroup",
        json!({"applicationName": "my-app", "currentDeploymentGroupName": "renamed",
               "ecsServices": [{"serviceName": "my-app-service", "clusterName": "my-cluster"}]}),
    );
    assert_eq!(
        e.code(
            "UpdateDeploymentGroup",
            json!({"applicationName": "my-app", "currentDeploymentGroupName": "ghost"})
        ),
        "DeploymentGroupDoesNotExistException"
    );
    let second = with(
        with(group(), &["deploymentGroupName"], json!("second")),
        &["ecsServices", "0", "serviceName"],
        json!("svc-2"),
    );
    e.ok("CreateDeploymentGroup", second);
    assert_eq!(
        e.code("UpdateDeploymentGroup", json!({"applicationName": "my-app", "currentDeploymentGroupName": "renamed", "newDeploymentGroupName": "second"})),
        "DeploymentGroupAlreadyExistsException"
    );
    assert_eq!(
        e.code(
            "UpdateDeploymentGroup",
            json!({"applicationName": "my-app", "currentDeploymentGroupName": "second",
            "ecsServices": [{"serviceName": "my-app-service", "clusterName": "my-cluster"}]})
        ),
        "ECSServiceMappingLimitExceededException"
    );

    let v = e.ok("ListDeploymentGroups", json!({"applicationName": "my-app"}));
    assert_eq!(v["applicationName"], "my-app");
    assert_eq!(v["deploymentGroups"], json!(["renamed", "second"]));
    assert!(v.get("nextToken").is_none());
    assert_eq!(
        e.code("ListDeploymentGroups", json!({"applicationName": "ghost"})),
        "ApplicationDoesNotExistException"
    );
    assert_eq!(
        e.code(
            "ListDeploymentGroups",
            json!({"applicationName": "my-app", "nextToken": "!!"})
        ),
        "InvalidNextTokenException"
    );

    let v = e.ok(
        "DeleteDeploymentGroup",
        json!({"applicationName": "my-app", "deploymentGroupName": "second"}),
    );
    assert_eq!(v, json!({"hooksNotCleanedUp": []}));
    e.ok(
        "DeleteDeploymentGroup",
        json!({"applicationName": "my-app", "deploymentGroupName": "second"}),
    );
    e.ok(
        "DeleteDeploymentGroup",
        json!({"applicationName": "ghost", "deploymentGroupName": "x"}),
    );
    // Deleting the application deletes its groups.
    e.ok("DeleteApplication", json!({"applicationName": "my-app"}));
    e.ok(
        "CreateApplication",
        json!({"applicationName": "my-app", "computePlatform": "ECS"}),
    );
    let v = e.ok("ListDeploymentGroups", json!({"applicationName": "my-app"}));
    assert_eq!(v["deploymentGroups"], json!([]));
}

#[test]
fn list_deployment_groups_paginates() {
    let mut e = Env::new();
    for i in 0..105 {
        let body = with(
            with(
                group(),
                &["deploymentGroupName"],
                json!(format!("dg-{i:03}")),
            ),
            &["ecsServices", "0", "serviceName"],
            json!(format!("svc-{i}")),
        );
        e.ok("CreateDeploymentGroup", body);
    }
    let p1 = e.ok("ListDeploymentGroups", json!({"applicationName": "my-app"}));
    assert_eq!(p1["deploymentGroups"].as_array().unwrap().len(), 100);
    let token = p1["nextToken"].as_str().unwrap();
    let p2 = e.ok(
        "ListDeploymentGroups",
        json!({"applicationName": "my-app", "nextToken": token}),
    );
    assert_eq!(
        p2["deploymentGroups"],
        json!(["dg-100", "dg-101", "dg-102", "dg-103", "dg-104"])
    );
    assert!(p2.get("nextToken").is_none());
}

#[test]
fn predefined_and_custom_deployment_configs() {
    let mut e = Env::new();
    let v = e.ok(
        "GetDeploymentConfig",
        json!({"deploymentConfigName": "CodeDeployDefault.ECSLinear10PercentEvery1Minutes"}),
    );
    let c = &v["deploymentConfigInfo"];
    assert_eq!(c["computePlatform"], "ECS");
    assert_eq!(
        c["trafficRoutingConfig"],
        json!({"type": "TimeBasedLinear", "timeBasedLinear": {"linearPercentage": 10, "linearInterval": 1}})
    );
    assert!(c.get("minimumHealthyHosts").is_none());
    assert_eq!(c["deploymentConfigId"].as_str().unwrap().len(), 36);
    let v = e.ok(
        "GetDeploymentConfig",
        json!({"deploymentConfigName": "CodeDeployDefault.HalfAtATime"}),
    );
    assert_eq!(
        v["deploymentConfigInfo"]["minimumHealthyHosts"],
        json!({"type": "FLEET_PERCENT", "value": 50})
    );
    assert_eq!(
        e.code(
            "GetDeploymentConfig",
            json!({"deploymentConfigName": "ghost"})
        ),
        "DeploymentConfigDoesNotExistException"
    );
    assert_eq!(
        e.code("GetDeploymentConfig", json!({})),
        "DeploymentConfigNameRequiredException"
    );

    let canary = json!({"deploymentConfigName": "Canary20", "computePlatform": "ECS",
        "trafficRoutingConfig": {"type": "TimeBasedCanary", "timeBasedCanary": {"canaryPercentage": 20, "canaryInterval": 2}}});
    let id = e.ok("CreateDeploymentConfig", canary.clone())["deploymentConfigId"].clone();
    let v = e.ok(
        "GetDeploymentConfig",
        json!({"deploymentConfigName": "Canary20"}),
    );
    assert_eq!(v["deploymentConfigInfo"]["deploymentConfigId"], id);
    assert_eq!(
        v["deploymentConfigInfo"]["createTime"],
        json!(1_795_000_000.0)
    );
    assert_eq!(
        v["deploymentConfigInfo"]["trafficRoutingConfig"]["timeBasedCanary"],
        json!({"canaryPercentage": 20, "canaryInterval": 2})
    );
    e.ok(
        "CreateDeploymentConfig",
        json!({"deploymentConfigName": "ServerHalf", "minimumHealthyHosts": {"type": "FLEET_PERCENT", "value": 50}}),
    );

    let bad = |patch: Value| {
        let mut b = json!({"deploymentConfigName": "X", "computePlatform": "ECS",
            "trafficRoutingConfig": {"type": "AllAtOnce"}});
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                b.as_object_mut().unwrap().remove(k);
            } else {
                b[k] = v.clone();
            }
        }
        b
    };
    for (body, want) in [
        (canary.clone(), "DeploymentConfigAlreadyExistsException"),
        (
            bad(json!({"deploymentConfigName": "CodeDeployDefault.ECSAllAtOnce"})),
            "DeploymentConfigAlreadyExistsException",
        ),
        (
            bad(json!({"deploymentConfigName": "CodeDeployDefault.Mine"})),
            "InvalidDeploymentConfigNameException",
        ),
        (
            bad(json!({"deploymentConfigName": "x".repeat(101)})),
            "InvalidDeploymentConfigNameException",
        ),
        (
            bad(json!({"deploymentConfigName": null})),
            "DeploymentConfigNameRequiredException",
        ),
        (
            bad(json!({"computePlatform": "Mainframe"})),
            "InvalidComputePlatformException",
        ),
        (
            bad(json!({"trafficRoutingConfig": null})),
            "InvalidTrafficRoutingConfigurationException",
        ),
        (
            bad(json!({"trafficRoutingConfig": {"type": "TimeBasedCanary"}})),
            "InvalidTrafficRoutingConfigurationException",
        ),
        (
            bad(
                json!({"trafficRoutingConfig": {"type": "TimeBasedCanary", "timeBasedCanary": {"canaryPercentage": 100, "canaryInterval": 5}}}),
            ),
            "InvalidTrafficRoutingConfigurationException",
        ),
        (
            bad(
                json!({"trafficRoutingConfig": {"type": "TimeBasedLinear", "timeBasedLinear": {"linearPercentage": 10, "linearInterval": 0}}}),
            ),
            "InvalidTrafficRoutingConfigurationException",
        ),
        (
            bad(
                json!({"trafficRoutingConfig": {"type": "AllAtOnce", "timeBasedLinear": {"linearPercentage": 10, "linearInterval": 1}}}),
            ),
            "InvalidTrafficRoutingConfigurationException",
        ),
        (
            bad(json!({"trafficRoutingConfig": {"type": "Sometimes"}})),
            "InvalidTrafficRoutingConfigurationException",
        ),
        (
            bad(json!({"minimumHealthyHosts": {"type": "HOST_COUNT", "value": 1}})),
            "InvalidMinimumHealthyHostValueException",
        ),
        (
            bad(json!({"zonalConfig": {"monitorDurationInSeconds": 60}})),
            "InvalidZonalDeploymentConfigurationException",
        ),
        (
            bad(json!({"computePlatform": "Server", "trafficRoutingConfig": null})),
            "InvalidMinimumHealthyHostValueException",
        ),
        (
            bad(
                json!({"computePlatform": "Server", "trafficRoutingConfig": null, "minimumHealthyHosts": {"type": "FLEET_PERCENT", "value": 100}}),
            ),
            "InvalidMinimumHealthyHostValueException",
        ),
        (
            bad(
                json!({"computePlatform": "Server", "trafficRoutingConfig": null, "minimumHealthyHosts": {"type": "SOME", "value": 1}}),
            ),
            "InvalidMinimumHealthyHostValueException",
        ),
    ] {
        assert_eq!(
            e.code("CreateDeploymentConfig", body.clone()),
            want,
            "for {body}"
        );
    }

    // Listing merges predefined and custom names in order.
    let v = e.ok("ListDeploymentConfigs", json!({}));
    let names: Vec<&str> = v["deploymentConfigsList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 19);
    assert_eq!(names[0], "Canary20");
    assert!(names.contains(&"CodeDeployDefault.ECSCanary10Percent15Minutes"));
    assert!(names.contains(&"CodeDeployDefault.LambdaLinear10PercentEvery1Minute"));
    assert_eq!(names[18], "ServerHalf");
    assert!(v.get("nextToken").is_none());

    // A group using the custom config keeps it from being deleted; predefined ones never go.
    e.ok(
        "CreateDeploymentGroup",
        with(group(), &["deploymentConfigName"], json!("Canary20")),
    );
    assert_eq!(
        e.code(
            "DeleteDeploymentConfig",
            json!({"deploymentConfigName": "Canary20"})
        ),
        "DeploymentConfigInUseException"
    );
    assert_eq!(
        e.code(
            "DeleteDeploymentConfig",
            json!({"deploymentConfigName": "CodeDeployDefault.ECSAllAtOnce"})
        ),
        "InvalidOperationException"
    );
    e.ok(
        "DeleteDeploymentGroup",
        json!({"applicationName": "my-app", "deploymentGroupName": "my-app-dg"}),
    );
    assert_eq!(
        e.ok(
            "DeleteDeploymentConfig",
            json!({"deploymentConfigName": "Canary20"})
        ),
        json!({})
    );
    e.ok(
        "DeleteDeploymentConfig",
        json!({"deploymentConfigName": "Canary20"}),
    );
    assert_eq!(
        e.code(
            "GetDeploymentConfig",
            json!({"deploymentConfigName": "Canary20"})
        ),
        "DeploymentConfigDoesNotExistException"
    );
}

#[test]
fn list_deployment_configs_paginates() {
    let mut e = Env::new();
    for i in 0..90 {
        e.ok(
            "CreateDeploymentConfig",
            json!({"deploymentConfigName": format!("cfg-{i:02}"), "computePlatform": "ECS",
                   "trafficRoutingConfig": {"type": "AllAtOnce"}}),
        );
    }
    let p1 = e.ok("ListDeploymentConfigs", json!({}));
    assert_eq!(p1["deploymentConfigsList"].as_array().unwrap().len(), 100);
    let p2 = e.ok(
        "ListDeploymentConfigs",
        json!({"nextToken": p1["nextToken"].as_str().unwrap()}),
    );
    assert_eq!(p2["deploymentConfigsList"].as_array().unwrap().len(), 7);
    assert!(p2.get("nextToken").is_none());
}

#[test]
fn tags_on_applications_and_groups() {
    let mut e = Env::new();
    e.ok("CreateDeploymentGroup", group());
    let v = e.ok("ListTagsForResource", json!({"ResourceArn": APP_ARN}));
    assert_eq!(v, json!({"Tags": [{"Key": "team", "Value": "blue"}]}));
    e.ok(
        "TagResource",
        json!({"ResourceArn": DG_ARN, "Tags": [{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "me"}]}),
    );
    let v = e.ok("ListTagsForResource", json!({"ResourceArn": DG_ARN}));
    assert_eq!(
        v["Tags"],
        json!([{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "me"}])
    );
    e.ok(
        "UntagResource",
        json!({"ResourceArn": DG_ARN, "TagKeys": ["env", "absent"]}),
    );
    let v = e.ok("ListTagsForResource", json!({"ResourceArn": DG_ARN}));
    assert_eq!(v["Tags"], json!([{"Key": "owner", "Value": "me"}]));

    let ghost_dg = "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:my-app/ghost";
    let ghost_app = "arn:aws:codedeploy:us-east-1:123456789012:application:ghost";
    let other_region = "arn:aws:codedeploy:eu-west-1:123456789012:application:my-app";
    let tag = json!([{"Key": "k", "Value": "v"}]);
    for (op, body, want) in [
        (
            "TagResource",
            json!({"Tags": tag}),
            "ResourceArnRequiredException",
        ),
        (
            "TagResource",
            json!({"ResourceArn": DG_ARN}),
            "TagRequiredException",
        ),
        (
            "TagResource",
            json!({"ResourceArn": DG_ARN, "Tags": []}),
            "TagRequiredException",
        ),
        (
            "TagResource",
            json!({"ResourceArn": ghost_dg, "Tags": tag}),
            "DeploymentGroupDoesNotExistException",
        ),
        (
            "TagResource",
            json!({"ResourceArn": ghost_app, "Tags": tag}),
            "ApplicationDoesNotExistException",
        ),
        (
            "TagResource",
            json!({"ResourceArn": other_region, "Tags": tag}),
            "ApplicationDoesNotExistException",
        ),
        (
            "TagResource",
            json!({"ResourceArn": "my-app", "Tags": tag}),
            "InvalidArnException",
        ),
        (
            "TagResource",
            json!({"ResourceArn": "arn:aws:codedeploy:us-east-1:123456789012:deploymentconfig:X", "Tags": tag}),
            "ArnNotSupportedException",
        ),
        (
            "TagResource",
            json!({"ResourceArn": DG_ARN, "Tags": [{"Key": "", "Value": "v"}]}),
            "InvalidTagsToAddException",
        ),
        (
            "TagResource",
            json!({"ResourceArn": DG_ARN, "Tags": (0..50).map(|i| json!({"Key": format!("k{i}"), "Value": "v"})).collect::<Vec<_>>()}),
            "InvalidTagsToAddException",
        ),
        (
            "UntagResource",
            json!({"ResourceArn": DG_ARN}),
            "TagRequiredException",
        ),
        (
            "UntagResource",
            json!({"ResourceArn": ghost_app, "TagKeys": ["k"]}),
            "ApplicationDoesNotExistException",
        ),
        (
            "ListTagsForResource",
            json!({}),
            "ResourceArnRequiredException",
        ),
        (
            "ListTagsForResource",
            json!({"ResourceArn": ghost_app}),
            "InvalidArnException",
        ),
        (
            "ListTagsForResource",
            json!({"ResourceArn": "arn:aws:ecs:us-east-1:123456789012:cluster/x"}),
            "InvalidArnException",
        ),
    ] {
        assert_eq!(e.code(op, body.clone()), want, "{op} {body}");
    }
}

#[test]
fn partitions_do_not_share_groups_or_configs() {
    let mut e = Env::new();
    e.ok(
        "CreateDeploymentConfig",
        json!({"deploymentConfigName": "Mine", "computePlatform": "ECS", "trafficRoutingConfig": {"type": "AllAtOnce"}}),
    );
    e.pk = PartitionKey::new("123456789012", "eu-west-1");
    assert_eq!(
        e.code(
            "GetDeploymentConfig",
            json!({"deploymentConfigName": "Mine"})
        ),
        "DeploymentConfigDoesNotExistException"
    );
    // Predefined configurations exist everywhere.
    e.ok(
        "GetDeploymentConfig",
        json!({"deploymentConfigName": "CodeDeployDefault.ECSAllAtOnce"}),
    );
}

//! Handler-level tests of the ECS task definition and tag operations: JSON bodies through the
//! generated dispatcher, answers and error codes as a client would see them.

use cutover_api::Operation;
use cutover_core::{Clock, ClockMode, PartitionKey, VTime, World};
use cutover_wire::detect::Service;
use serde_json::{json, Value};

const START_MS: i64 = 1_795_000_000_000;
const ARN: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition";

struct Env {
    world: World,
    pk: PartitionKey,
}

impl Env {
    fn new() -> Self {
        Env {
            world: World::new(Clock::starting_at(VTime(START_MS), ClockMode::Manual, 1.0)),
            pk: PartitionKey::new("123456789012", "us-east-1"),
        }
    }

    fn call(&mut self, op: &str, body: Value) -> Result<Value, (String, String)> {
        let op = Operation::resolve(Service::Ecs, op).expect("known operation");
        let body = serde_json::to_vec(&body).unwrap();
        match op.call(&mut self.world.scope(&self.pk), &body, None, "rid") {
            Ok(b) => Ok(serde_json::from_slice(&b).unwrap()),
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

    fn err(&mut self, op: &str, body: Value) -> (String, String) {
        match self.call(op, body) {
            Ok(v) => panic!("{op} succeeded: {v}"),
            Err(e) => e,
        }
    }

    fn register(&mut self, family: &str) -> Value {
        self.ok("RegisterTaskDefinition", ec2(family))
    }
}

fn ec2(family: &str) -> Value {
    json!({"family": family, "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 128}]})
}

fn fargate() -> Value {
    json!({
        "family": "my-app-task",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "256",
        "memory": "512",
        "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        "containerDefinitions": [{
            "name": "app",
            "image": "public.ecr.aws/nginx/nginx:latest",
            "portMappings": [{"containerPort": 8080, "appProtocol": "http"}],
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/my-app"}},
            "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"]}
        }],
        "runtimePlatform": {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
        "tags": [{"key": "team", "value": "blue"}]
    })
}

fn assert_no_nulls(v: &Value) {
    match v {
        Value::Null => panic!("null in response"),
        Value::Array(a) => a.iter().for_each(assert_no_nulls),
        Value::Object(m) => m.values().for_each(assert_no_nulls),
        _ => {}
    }
}

#[test]
fn register_fargate_echoes_with_defaults() {
    let mut e = Env::new();
    let v = e.ok("RegisterTaskDefinition", fargate());
    assert_no_nulls(&v);
    let td = &v["taskDefinition"];
    assert_eq!(td["taskDefinitionArn"], format!("{ARN}/my-app-task:1"));
    assert_eq!(td["family"], "my-app-task");
    assert_eq!(td["revision"], 1);
    assert_eq!(td["status"], "ACTIVE");
    assert_eq!(td["networkMode"], "awsvpc");
    assert_eq!(td["requiresCompatibilities"], json!(["FARGATE"]));
    assert_eq!(td["compatibilities"], json!(["EC2", "FARGATE"]));
    assert_eq!(td["cpu"], "256");
    assert_eq!(td["memory"], "512");
    assert_eq!(td["registeredAt"], json!(1_795_000_000.0));
    assert_eq!(td["registeredBy"], "arn:aws:iam::123456789012:root");
    assert_eq!(td["requiresAttributes"], json!([]));
    assert_eq!(td["volumes"], json!([]));
    assert_eq!(td["placementConstraints"], json!([]));
    assert_eq!(td["runtimePlatform"]["cpuArchitecture"], "X86_64");
    assert_eq!(
        td["executionRoleArn"],
        "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
    );
    assert!(td.get("taskRoleArn").is_none());
    assert!(td.get("deregisteredAt").is_none());
    let c = &td["containerDefinitions"][0];
    assert_eq!(c["name"], "app");
    assert_eq!(c["essential"], true);
    assert_eq!(c["cpu"], 0);
    assert_eq!(
        c["portMappings"],
        json!([{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp", "appProtocol": "http"}])
    );
    assert_eq!(c["environment"], json!([]));
    assert_eq!(c["mountPoints"], json!([]));
    assert_eq!(c["volumesFrom"], json!([]));
    assert_eq!(
        c["logConfiguration"]["options"]["awslogs-group"],
        "/ecs/my-app"
    );
    assert_eq!(c["healthCheck"]["command"][0], "CMD-SHELL");
    assert_eq!(v["tags"], json!([{"key": "team", "value": "blue"}]));
}

#[test]
fn register_ec2_defaults_and_units() {
    let mut e = Env::new();
    let v = e.register("web");
    let td = &v["taskDefinition"];
    assert_eq!(td["networkMode"], "bridge");
    assert_eq!(td["compatibilities"], json!(["EC2"]));
    assert!(td.get("requiresCompatibilities").is_none());
    assert!(td.get("cpu").is_none());
    assert!(v.get("tags").is_none());
    // Task-level memory lifts the per-container requirement; "vCPU"/"GB" units are normalised;
    // an awsvpc definition of a valid Fargate size is Fargate-compatible without asking.
    let v = e.ok(
        "RegisterTaskDefinition",
        json!({"family": "web", "networkMode": "awsvpc", "cpu": "1 vCPU", "memory": "2 GB",
               "containerDefinitions": [{"name": "a", "image": "i", "portMappings": [{"containerPort": 80}]}]}),
    );
    let td = &v["taskDefinition"];
    assert_eq!(td["revision"], 2);
    assert_eq!(td["cpu"], "1024");
    assert_eq!(td["memory"], "2048");
    assert_eq!(td["compatibilities"], json!(["EC2", "FARGATE"]));
    // Bridge mode: an omitted host port is dynamic (0).
    let v = e.ok(
        "RegisterTaskDefinition",
        json!({"family": "b", "containerDefinitions": [{"name": "a", "image": "i", "memoryReservation": 64,
               "portMappings": [{"containerPort": 80, "protocol": "udp"}]}]}),
    );
    assert_eq!(
        v["taskDefinition"]["containerDefinitions"][0]["portMappings"][0],
        json!({"containerPort": 80, "hostPort": 0, "protocol": "udp"})
    );
}

#[test]
fn register_validation_errors() {
    let mut e = Env::new();
    let c = |extra: Value| {
        let mut base = json!({"name": "app", "image": "nginx", "memory": 128});
        for (k, v) in extra.as_object().unwrap() {
            base[k] = v.clone();
        }
        base
    };
    let cases: Vec<(Value, &str)> = vec![
        (json!({"family": "f", "containerDefinitions": []}), "Container list cannot be empty."),
        (json!({"family": "", "containerDefinitions": [c(json!({}))]}), "Family name"),
        (json!({"family": "a:b", "containerDefinitions": [c(json!({}))]}), "Family name"),
        (json!({"family": "x".repeat(256), "containerDefinitions": [c(json!({}))]}), "Family name"),
        (json!({"family": "f", "containerDefinitions": [{"image": "i", "memory": 1}]}), "Container.name"),
        (json!({"family": "f", "containerDefinitions": [c(json!({"image": ""}))]}), "Container.image"),
        (json!({"family": "f", "containerDefinitions": [{"name": "a", "memory": 1}]}), "Container.image"),
        (json!({"family": "f", "containerDefinitions": [c(json!({})), c(json!({}))]}), "Duplicate container name 'app'"),
        (json!({"family": "f", "containerDefinitions": [{"name": "a", "image": "i"}]}),
            "Invalid setting for container 'a'. At least one of 'memory' or 'memoryReservation' must be specified."),
        (json!({"family": "f", "containerDefinitions": [c(json!({"essential": false}))]}), "essential"),
        (json!({"family": "f", "containerDefinitions": [c(json!({"memoryReservation": 512}))]}), "memory reservation"),
        (json!({"family": "f", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
                "containerDefinitions": [c(json!({}))]}), "Fargate only supports network mode 'awsvpc'."),
        (json!({"family": "f", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "memory": "512",
                "containerDefinitions": [c(json!({}))]}), "Fargate requires that 'cpu' be defined at the task level."),
        (json!({"family": "f", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256",
                "containerDefinitions": [c(json!({}))]}), "Fargate requires that 'memory' be defined at the task level."),
        (json!({"family": "f", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "4096",
                "containerDefinitions": [c(json!({}))]}), "No Fargate configuration exists for given values: 256 CPU, 4096 memory."),
        (json!({"family": "f", "cpu": "lots", "containerDefinitions": [c(json!({}))]}), "Invalid 'cpu'"),
        (json!({"family": "f", "memory": "0", "containerDefinitions": [c(json!({}))]}), "Invalid 'memory'"),
        (json!({"family": "f", "networkMode": "awsvpc",
                "containerDefinitions": [c(json!({"portMappings": [{"containerPort": 80, "hostPort": 81}]}))]}),
            "host ports and container ports in port mappings must match"),
        (json!({"family": "f", "containerDefinitions": [c(json!({"portMappings": [{"hostPort": 81}]}))]}), "containerPort"),
        (json!({"family": "f", "containerDefinitions": [c(json!({"portMappings": [{"containerPort": 70000}]}))]}), "outside"),
    ];
    for (body, msg) in cases {
        let (code, message) = e.err("RegisterTaskDefinition", body.clone());
        assert_eq!(code, "ClientException", "{body}");
        assert!(message.contains(msg), "{body}: {message}");
    }
    // Shape-level problems use the decoder's codes.
    let (code, _) = e.err(
        "RegisterTaskDefinition",
        json!({"containerDefinitions": []}),
    );
    assert_eq!(code, "InvalidParameterException");
    let (code, _) = e.err(
        "RegisterTaskDefinition",
        json!({"family": "f", "networkMode": "nat", "containerDefinitions": [c(json!({}))]}),
    );
    assert_eq!(code, "InvalidParameterException");
    let (code, _) = e.err(
        "RegisterTaskDefinition",
        json!({"family": "f", "containerDefinitions": [c(json!({"memory": "lots"}))]}),
    );
    assert_eq!(code, "SerializationException");
    let too_many: Vec<Value> = (0..51)
        .map(|i| json!({"key": format!("k{i}"), "value": "v"}))
        .collect();
    let mut body = ec2("f");
    body["tags"] = json!(too_many);
    let (code, _) = e.err("RegisterTaskDefinition", body);
    assert_eq!(code, "InvalidParameterException");
    // Nothing was registered by the failures: the first good one is revision 1.
    assert_eq!(e.register("f")["taskDefinition"]["revision"], 1);
}

#[test]
fn describe_by_family_revision_and_arn() {
    let mut e = Env::new();
    let mut body = ec2("web");
    body["tags"] = json!([{"key": "k", "value": "v"}]);
    e.ok("RegisterTaskDefinition", body);
    e.register("web");
    e.register("web");
    let d = |e: &mut Env, r: &str| e.ok("DescribeTaskDefinition", json!({"taskDefinition": r}));
    assert_eq!(d(&mut e, "web")["taskDefinition"]["revision"], 3);
    assert_eq!(d(&mut e, "web:1")["taskDefinition"]["revision"], 1);
    assert_eq!(
        d(&mut e, &format!("{ARN}/web:2"))["taskDefinition"]["revision"],
        2
    );
    assert!(d(&mut e, "web:1").get("tags").is_none());
    let v = e.ok(
        "DescribeTaskDefinition",
        json!({"taskDefinition": "web:1", "include": ["TAGS"]}),
    );
    assert_eq!(v["tags"], json!([{"key": "k", "value": "v"}]));
    let v = e.ok(
        "DescribeTaskDefinition",
        json!({"taskDefinition": "web:2", "include": ["TAGS"]}),
    );
    assert_eq!(v["tags"], json!([]));
    // The latest ACTIVE revision, skipping INACTIVE ones; INACTIVE ones stay describable.
    e.ok(
        "DeregisterTaskDefinition",
        json!({"taskDefinition": "web:3"}),
    );
    assert_eq!(d(&mut e, "web")["taskDefinition"]["revision"], 2);
    let v = d(&mut e, "web:3");
    assert_eq!(v["taskDefinition"]["status"], "INACTIVE");
    for missing in [
        "ghost",
        "web:9",
        "web:0",
        "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1",
        "arn:aws:ecs:us-east-1:123456789012:cluster/web",
    ] {
        let (code, msg) = e.err("DescribeTaskDefinition", json!({"taskDefinition": missing}));
        assert_eq!(
            (code.as_str(), msg.as_str()),
            ("ClientException", "Unable to describe task definition."),
            "{missing}"
        );
    }
    let (code, _) = e.err(
        "DescribeTaskDefinition",
        json!({"taskDefinition": "web", "include": ["NOPE"]}),
    );
    assert_eq!(code, "InvalidParameterException");
}

fn arns(v: &Value) -> Vec<String> {
    v["taskDefinitionArns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().rsplit('/').next().unwrap().to_owned())
        .collect()
}

#[test]
fn list_task_definitions_orders_filters_and_pages() {
    let mut e = Env::new();
    for f in ["web", "api", "web", "api", "web", "web-api"] {
        e.register(f);
    }
    e.ok(
        "DeregisterTaskDefinition",
        json!({"taskDefinition": "web:2"}),
    );
    let v = e.ok("ListTaskDefinitions", json!({}));
    assert_eq!(arns(&v), ["api:1", "api:2", "web:1", "web:3", "web-api:1"]);
    assert!(v.get("nextToken").is_none());
    let v = e.ok("ListTaskDefinitions", json!({"sort": "DESC"}));
    assert_eq!(arns(&v), ["web-api:1", "web:3", "web:1", "api:2", "api:1"]);
    let v = e.ok("ListTaskDefinitions", json!({"familyPrefix": "web"}));
    assert_eq!(arns(&v), ["web:1", "web:3"]);
    let v = e.ok("ListTaskDefinitions", json!({"status": "INACTIVE"}));
    assert_eq!(arns(&v), ["web:2"]);
    // Pages of 2 in both directions, joined, equal the whole listing.
    for sort in ["ASC", "DESC"] {
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({"maxResults": 2, "sort": sort});
            if let Some(t) = &token {
                body["nextToken"] = json!(t);
            }
            let v = e.ok("ListTaskDefinitions", body);
            assert!(arns(&v).len() <= 2);
            seen.extend(arns(&v));
            match v.get("nextToken") {
                Some(t) => token = Some(t.as_str().unwrap().to_owned()),
                None => break,
            }
        }
        let whole = arns(&e.ok("ListTaskDefinitions", json!({"sort": sort})));
        assert_eq!(seen, whole, "{sort}");
    }
    for bad in [
        json!({"maxResults": 0}),
        json!({"maxResults": 101}),
        json!({"nextToken": "garbage!"}),
        json!({"status": "GONE"}),
    ] {
        let (code, _) = e.err("ListTaskDefinitions", bad.clone());
        assert_eq!(code, "InvalidParameterException", "{bad}");
    }
}

#[test]
fn list_families_by_status() {
    let mut e = Env::new();
    for f in ["web", "web-api", "api", "web"] {
        e.register(f);
    }
    e.ok(
        "DeregisterTaskDefinition",
        json!({"taskDefinition": "api:1"}),
    );
    let fam = |v: Value| v["families"].clone();
    assert_eq!(
        fam(e.ok("ListTaskDefinitionFamilies", json!({}))),
        json!(["api", "web", "web-api"])
    );
    assert_eq!(
        fam(e.ok("ListTaskDefinitionFamilies", json!({"status": "ACTIVE"}))),
        json!(["web", "web-api"])
    );
    assert_eq!(
        fam(e.ok("ListTaskDefinitionFamilies", json!({"status": "INACTIVE"}))),
        json!(["api"])
    );
    assert_eq!(
        fam(e.ok(
            "ListTaskDefinitionFamilies",
            json!({"status": "ALL", "familyPrefix": "web"})
        )),
        json!(["web", "web-api"])
    );
    let v = e.ok("ListTaskDefinitionFamilies", json!({"maxResults": 2}));
    assert_eq!(fam(v.clone()), json!(["api", "web"]));
    let v = e.ok(
        "ListTaskDefinitionFamilies",
        json!({"maxResults": 2, "nextToken": v["nextToken"]}),
    );
    assert_eq!(fam(v.clone()), json!(["web-api"]));
    assert!(v.get("nextToken").is_none());
}

#[test]
fn deregister_and_delete() {
    let mut e = Env::new();
    e.register("web");
    e.register("web");
    e.world.advance(std::time::Duration::from_secs(60));
    let (code, _) = e.err("DeregisterTaskDefinition", json!({"taskDefinition": "web"}));
    assert_eq!(code, "ClientException");
    let (code, msg) = e.err(
        "DeregisterTaskDefinition",
        json!({"taskDefinition": "web:7"}),
    );
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("ClientException", "Unable to describe task definition.")
    );
    let v = e.ok(
        "DeregisterTaskDefinition",
        json!({"taskDefinition": format!("{ARN}/web:1")}),
    );
    assert_eq!(v["taskDefinition"]["status"], "INACTIVE");
    assert_eq!(
        v["taskDefinition"]["deregisteredAt"],
        json!(1_795_000_060.0)
    );

    let v = e.ok(
        "DeleteTaskDefinitions",
        json!({"taskDefinitions": ["web:1", "web:2", "web", "ghost:1"]}),
    );
    assert_no_nulls(&v);
    assert_eq!(v["taskDefinitions"].as_array().unwrap().len(), 1);
    assert_eq!(v["taskDefinitions"][0]["status"], "DELETE_IN_PROGRESS");
    assert_eq!(
        v["taskDefinitions"][0]["deleteRequestedAt"],
        json!(1_795_000_060.0)
    );
    let f = v["failures"].as_array().unwrap();
    assert_eq!(f.len(), 3);
    assert_eq!(f[0]["arn"], format!("{ARN}/web:2"));
    assert!(f[0]["reason"].as_str().unwrap().contains("ACTIVE"));
    assert_eq!(f[1]["arn"], "web");
    assert_eq!(f[2]["arn"], format!("{ARN}/ghost:1"));
    // Still describable; never reused; listed under its status.
    let v = e.ok("DescribeTaskDefinition", json!({"taskDefinition": "web:1"}));
    assert_eq!(v["taskDefinition"]["status"], "DELETE_IN_PROGRESS");
    assert_eq!(e.register("web")["taskDefinition"]["revision"], 3);
    let v = e.ok(
        "ListTaskDefinitions",
        json!({"status": "DELETE_IN_PROGRESS"}),
    );
    assert_eq!(arns(&v), ["web:1"]);
    for bad in [
        json!({"taskDefinitions": []}),
        json!({"taskDefinitions": vec!["web:1"; 11]}),
    ] {
        let (code, _) = e.err("DeleteTaskDefinitions", bad);
        assert_eq!(code, "InvalidParameterException");
    }
}

#[test]
fn tags_on_clusters_and_task_definitions() {
    let mut e = Env::new();
    e.ok(
        "CreateCluster",
        json!({"clusterName": "c", "tags": [{"key": "a", "value": "1"}]}),
    );
    e.register("web");
    let cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/c";
    let td = format!("{ARN}/web:1");
    for arn in [cluster, td.as_str()] {
        let v = e.ok(
            "TagResource",
            json!({"resourceArn": arn, "tags": [{"key": "a", "value": "2"}, {"key": "b", "value": "3"}]}),
        );
        assert_eq!(v, json!({}));
        let v = e.ok("ListTagsForResource", json!({"resourceArn": arn}));
        assert_eq!(
            v["tags"],
            json!([{"key": "a", "value": "2"}, {"key": "b", "value": "3"}])
        );
        let v = e.ok(
            "UntagResource",
            json!({"resourceArn": arn, "tagKeys": ["a", "zz"]}),
        );
        assert_eq!(v, json!({}));
        let v = e.ok("ListTagsForResource", json!({"resourceArn": arn}));
        assert_eq!(v["tags"], json!([{"key": "b", "value": "3"}]));
    }
    let v = e.ok(
        "DescribeClusters",
        json!({"clusters": ["c"], "include": ["TAGS"]}),
    );
    assert_eq!(
        v["clusters"][0]["tags"],
        json!([{"key": "b", "value": "3"}])
    );
    let v = e.ok(
        "DescribeTaskDefinition",
        json!({"taskDefinition": "web:1", "include": ["TAGS"]}),
    );
    assert_eq!(v["tags"], json!([{"key": "b", "value": "3"}]));

    // 49 more fit (50 in all); one more does not.
    let many: Vec<Value> = (0..49)
        .map(|i| json!({"key": format!("k{i}"), "value": "v"}))
        .collect();
    e.ok("TagResource", json!({"resourceArn": td, "tags": many}));
    let (code, _) = e.err(
        "TagResource",
        json!({"resourceArn": td, "tags": [{"key": "one-more", "value": "v"}]}),
    );
    assert_eq!(code, "LimitExceededException");
    // Overwriting an existing key does not count as a new tag.
    e.ok(
        "TagResource",
        json!({"resourceArn": td, "tags": [{"key": "b", "value": "4"}]}),
    );
    let many: Vec<Value> = (0..51)
        .map(|i| json!({"key": format!("n{i}"), "value": "v"}))
        .collect();
    let (code, _) = e.err("TagResource", json!({"resourceArn": cluster, "tags": many}));
    assert_eq!(code, "LimitExceededException");
    let (code, _) = e.err(
        "TagResource",
        json!({"resourceArn": cluster, "tags": [{"key": "aws:x", "value": "v"}]}),
    );
    assert_eq!(code, "InvalidParameterException");
    let (code, _) = e.err(
        "TagResource",
        json!({"resourceArn": cluster, "tags": [{"key": "", "value": "v"}]}),
    );
    assert_eq!(code, "InvalidParameterException");
}

#[test]
fn tag_errors_per_resource_kind() {
    let mut e = Env::new();
    e.register("web");
    let ghost_cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/ghost";
    let ghost_td = format!("{ARN}/web:2");
    let service = "arn:aws:ecs:us-east-1:123456789012:service/c/s";
    let other_region = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1";
    let tags = json!([{"key": "k", "value": "v"}]);
    let cases = [
        (
            ghost_cluster,
            "ClusterNotFoundException",
            "ClusterNotFoundException",
        ),
        (
            ghost_td.as_str(),
            "ResourceNotFoundException",
            "ClientException",
        ),
        (service, "ResourceNotFoundException", "ClientException"),
        (other_region, "ResourceNotFoundException", "ClientException"),
        (
            "not-an-arn",
            "InvalidParameterException",
            "InvalidParameterException",
        ),
        (
            "arn:aws:ecs:us-east-1:123456789012:widget/x",
            "InvalidParameterException",
            "InvalidParameterException",
        ),
    ];
    for (arn, mutate, list) in cases {
        let (code, _) = e.err("TagResource", json!({"resourceArn": arn, "tags": tags}));
        assert_eq!(code, mutate, "TagResource {arn}");
        let (code, _) = e.err(
            "UntagResource",
            json!({"resourceArn": arn, "tagKeys": ["k"]}),
        );
        assert_eq!(code, mutate, "UntagResource {arn}");
        let (code, _) = e.err("ListTagsForResource", json!({"resourceArn": arn}));
        assert_eq!(code, list, "ListTagsForResource {arn}");
    }
    // An INACTIVE cluster cannot be tagged.
    e.ok("CreateCluster", json!({"clusterName": "gone"}));
    e.ok("DeleteCluster", json!({"cluster": "gone"}));
    let (code, _) = e.err(
        "ListTagsForResource",
        json!({"resourceArn": "arn:aws:ecs:us-east-1:123456789012:cluster/gone"}),
    );
    assert_eq!(code, "ClusterNotFoundException");
    let (code, _) = e.err("TagResource", json!({"resourceArn": ghost_cluster}));
    assert_eq!(code, "InvalidParameterException");
}

//! ECS task definitions and tags end to end: the AWS SDK for Rust (round trips, the
//! ListTaskDefinitions paginator, typed errors) and the aws CLI under shapecheck.

use aws_sdk_ecs::types::{
    Compatibility, ContainerDefinition, NetworkMode, PortMapping, SortOrder, Tag,
    TaskDefinitionFamilyStatus, TaskDefinitionField, TaskDefinitionStatus, TransportProtocol,
};
use serde_json::json;

use crate::support::{repo_root, server};

const ARN: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition";

fn container(name: &str, port: i32) -> ContainerDefinition {
    ContainerDefinition::builder()
        .name(name)
        .image("nginx:latest")
        .memory(128)
        .port_mappings(PortMapping::builder().container_port(port).build())
        .build()
}

#[tokio::test]
async fn register_describe_deregister_delete_through_the_sdk() {
    let s = server().await;
    let ecs = s.ecs();
    let out = ecs
        .register_task_definition()
        .family("my-app-task")
        .network_mode(NetworkMode::Awsvpc)
        .requires_compatibilities(Compatibility::Fargate)
        .cpu("256")
        .memory("512")
        .container_definitions(container("app", 8080))
        .tags(Tag::builder().key("team").value("blue").build())
        .send()
        .await
        .expect("RegisterTaskDefinition");
    let td = out.task_definition().unwrap();
    assert_eq!(
        td.task_definition_arn(),
        Some(format!("{ARN}/my-app-task:1").as_str())
    );
    assert_eq!(td.revision(), 1);
    assert_eq!(td.status(), Some(&TaskDefinitionStatus::Active));
    assert_eq!(td.network_mode(), Some(&NetworkMode::Awsvpc));
    assert_eq!(
        td.compatibilities(),
        [Compatibility::Ec2, Compatibility::Fargate]
    );
    let now = s.now().await;
    assert_eq!(td.registered_at().unwrap().secs(), now as i64);
    let c = &td.container_definitions()[0];
    assert_eq!(c.essential(), Some(true));
    let pm = &c.port_mappings()[0];
    assert_eq!(pm.host_port(), Some(8080));
    assert_eq!(pm.protocol(), Some(&TransportProtocol::Tcp));
    assert_eq!(out.tags()[0].value(), Some("blue"));

    let td2 = ecs
        .register_task_definition()
        .family("my-app-task")
        .network_mode(NetworkMode::Awsvpc)
        .requires_compatibilities(Compatibility::Fargate)
        .cpu("256")
        .memory("512")
        .container_definitions(container("app", 8080))
        .send()
        .await
        .unwrap();
    assert_eq!(td2.task_definition().unwrap().revision(), 2);

    let d = ecs
        .describe_task_definition()
        .task_definition("my-app-task:1")
        .include(TaskDefinitionField::Tags)
        .send()
        .await
        .unwrap();
    assert_eq!(d.task_definition().unwrap().revision(), 1);
    assert_eq!(d.tags()[0].key(), Some("team"));
    let d = ecs
        .describe_task_definition()
        .task_definition("my-app-task")
        .send()
        .await
        .unwrap();
    assert_eq!(d.task_definition().unwrap().revision(), 2);

    s.advance(30.0).await;
    let dereg = ecs
        .deregister_task_definition()
        .task_definition(format!("{ARN}/my-app-task:1"))
        .send()
        .await
        .unwrap();
    let t = dereg.task_definition().unwrap();
    assert_eq!(t.status(), Some(&TaskDefinitionStatus::Inactive));
    assert_eq!(t.deregistered_at().unwrap().secs(), s.now().await as i64);

    let del = ecs
        .delete_task_definitions()
        .task_definitions("my-app-task:1")
        .task_definitions("my-app-task:2")
        .send()
        .await
        .unwrap();
    assert_eq!(
        del.task_definitions()[0].status(),
        Some(&TaskDefinitionStatus::DeleteInProgress)
    );
    assert_eq!(
        del.failures()[0].arn(),
        Some(format!("{ARN}/my-app-task:2").as_str())
    );
    let fams = ecs
        .list_task_definition_families()
        .status(TaskDefinitionFamilyStatus::Active)
        .send()
        .await
        .unwrap();
    assert_eq!(fams.families(), ["my-app-task"]);
}

#[tokio::test]
async fn paginator_and_typed_errors() {
    let s = server().await;
    let ecs = s.ecs();
    for family in ["web", "api", "web", "web", "api"] {
        ecs.register_task_definition()
            .family(family)
            .container_definitions(container("c", 80))
            .send()
            .await
            .unwrap();
    }
    let all: Vec<String> = ecs
        .list_task_definitions()
        .max_results(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("paginate");
    let short: Vec<&str> = all.iter().map(|a| a.rsplit('/').next().unwrap()).collect();
    assert_eq!(short, ["api:1", "api:2", "web:1", "web:2", "web:3"]);
    let pages = ecs
        .list_task_definitions()
        .max_results(2)
        .sort(SortOrder::Desc)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(
        pages[0].task_definition_arns(),
        [format!("{ARN}/web:3"), format!("{ARN}/web:2")]
    );

    let e = ecs
        .describe_task_definition()
        .task_definition("ghost")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_client_exception(), "{e:?}");
    assert_eq!(
        e.meta().message(),
        Some("Unable to describe task definition.")
    );

    let e = ecs
        .register_task_definition()
        .family("bad")
        .requires_compatibilities(Compatibility::Fargate)
        .container_definitions(container("c", 80))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_client_exception(), "{e:?}");

    let e = ecs
        .list_task_definitions()
        .max_results(500)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_parameter_exception(), "{e:?}");

    let e = ecs
        .tag_resource()
        .resource_arn(format!("{ARN}/web:9"))
        .tags(Tag::builder().key("k").value("v").build())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_resource_not_found_exception(), "{e:?}");

    let e = ecs
        .list_tags_for_resource()
        .resource_arn("arn:aws:ecs:us-east-1:123456789012:cluster/ghost")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_cluster_not_found_exception(), "{e:?}");

    let many: Vec<Tag> = (0..51)
        .map(|i| Tag::builder().key(format!("k{i}")).value("v").build())
        .collect();
    let e = ecs
        .tag_resource()
        .resource_arn(format!("{ARN}/web:1"))
        .set_tags(Some(many))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_limit_exceeded_exception(), "{e:?}");
}

#[tokio::test]
async fn tags_round_trip_through_the_sdk() {
    let s = server().await;
    let ecs = s.ecs();
    let arn = ecs
        .create_cluster()
        .cluster_name("web")
        .send()
        .await
        .unwrap()
        .cluster()
        .unwrap()
        .cluster_arn()
        .unwrap()
        .to_owned();
    ecs.tag_resource()
        .resource_arn(&arn)
        .tags(Tag::builder().key("a").value("1").build())
        .tags(Tag::builder().key("b").value("2").build())
        .send()
        .await
        .unwrap();
    ecs.untag_resource()
        .resource_arn(&arn)
        .tag_keys("a")
        .send()
        .await
        .unwrap();
    let tags = ecs
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tags().len(), 1);
    assert_eq!(tags.tags()[0].key(), Some("b"));
}

#[tokio::test]
async fn cli_registers_a_fargate_task_definition_from_a_file() {
    let s = server().await;
    let file = repo_root().join("fixtures/task-definitions/my-app-task-v1.json");
    let input = format!("file://{}", file.display());
    let v = s
        .aws(&[
            "ecs",
            "register-task-definition",
            "--cli-input-json",
            &input,
        ])
        .await
        .assert_ok();
    let td = &v["taskDefinition"];
    assert_eq!(td["taskDefinitionArn"], format!("{ARN}/my-app-task:1"));
    assert_eq!(td["compatibilities"], json!(["EC2", "FARGATE"]));
    assert_eq!(td["containerDefinitions"][0]["name"], "app");
    assert_eq!(
        td["containerDefinitions"][0]["portMappings"][0]["containerPort"],
        8080
    );
    assert_eq!(td["containerDefinitions"][0]["healthCheck"]["interval"], 30);
    assert_eq!(v["tags"].as_array().unwrap().len(), 2);
    s.aws(&[
        "ecs",
        "register-task-definition",
        "--cli-input-json",
        &input,
    ])
    .await
    .assert_ok();

    let v = s
        .aws(&[
            "ecs",
            "describe-task-definition",
            "--task-definition",
            "my-app-task",
            "--include",
            "TAGS",
        ])
        .await
        .assert_ok();
    assert_eq!(v["taskDefinition"]["revision"], 2);
    assert_eq!(v["tags"][0]["key"], "app");
    // The CLI auto-paginates with --page-size and the listing terminates.
    let v = s
        .aws(&["ecs", "list-task-definitions", "--page-size", "1"])
        .await
        .assert_ok();
    assert_eq!(v["taskDefinitionArns"].as_array().unwrap().len(), 2);
    let v = s
        .aws(&["ecs", "list-task-definition-families"])
        .await
        .assert_ok();
    assert_eq!(v["families"], json!(["my-app-task"]));
    let v = s
        .aws(&[
            "ecs",
            "deregister-task-definition",
            "--task-definition",
            "my-app-task:1",
        ])
        .await
        .assert_ok();
    assert_eq!(v["taskDefinition"]["status"], "INACTIVE");
    let v = s
        .aws(&[
            "ecs",
            "delete-task-definitions",
            "--task-definitions",
            "my-app-task:1",
            "my-app-task:2",
        ])
        .await
        .assert_ok();
    assert_eq!(v["taskDefinitions"][0]["status"], "DELETE_IN_PROGRESS");
    assert_eq!(v["failures"].as_array().unwrap().len(), 1);
    let arn = format!("{ARN}/my-app-task:2");
    s.aws(&[
        "ecs",
        "tag-resource",
        "--resource-arn",
        &arn,
        "--tags",
        "key=owner,value=me",
    ])
    .await
    .assert_ok();
    let v = s
        .aws(&["ecs", "list-tags-for-resource", "--resource-arn", &arn])
        .await
        .assert_ok();
    assert_eq!(v["tags"].as_array().unwrap().len(), 3);
    s.aws(&[
        "ecs",
        "describe-task-definition",
        "--task-definition",
        "ghost:1",
    ])
    .await
    .assert_error("ClientException");
}

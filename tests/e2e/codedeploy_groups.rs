//! CodeDeploy deployment groups, deployment configs and tags end to end: the AWS SDK for Rust
//! (round trips, typed errors, the ListDeploymentGroups / ListDeploymentConfigs paginators) and
//! the aws CLI under shapecheck (create-deployment-group from fixtures/codedeploy).

use aws_sdk_codedeploy::types::{
    AutoRollbackConfiguration, AutoRollbackEvent, BlueGreenDeploymentConfiguration,
    BlueInstanceTerminationOption, ComputePlatform, DeploymentOption, DeploymentReadyAction,
    DeploymentReadyOption, DeploymentStyle, DeploymentType, EcsService, InstanceAction,
    LoadBalancerInfo, Tag, TargetGroupInfo, TargetGroupPairInfo, TimeBasedCanary, TrafficRoute,
    TrafficRoutingConfig, TrafficRoutingType,
};
use aws_sdk_codedeploy::Client;
use serde_json::json;

use crate::support::{repo_root, server};

const ROLE: &str = "arn:aws:iam::123456789012:role/ecsCodeDeployRole";
const LISTENER: &str =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/my-alb/0123456789abcdef";

fn pair(test_listener: bool) -> TargetGroupPairInfo {
    let b = TargetGroupPairInfo::builder()
        .target_groups(TargetGroupInfo::builder().name("tg-a").build())
        .target_groups(TargetGroupInfo::builder().name("tg-b").build())
        .prod_traffic_route(
            TrafficRoute::builder()
                .listener_arns(format!("{LISTENER}/80aaaaaaaaaaaaaa"))
                .build(),
        );
    if test_listener {
        b.test_traffic_route(
            TrafficRoute::builder()
                .listener_arns(format!("{LISTENER}/8080bbbbbbbbbbbb"))
                .build(),
        )
        .build()
    } else {
        b.build()
    }
}

async fn create_ecs_app(cd: &Client, name: &str) {
    cd.create_application()
        .application_name(name)
        .compute_platform(ComputePlatform::Ecs)
        .tags(Tag::builder().key("team").value("blue").build())
        .send()
        .await
        .expect("CreateApplication");
}

/// A CreateDeploymentGroup request for the story's ECS group, ready to send.
fn create_group(
    cd: &Client,
    app: &str,
    group: &str,
    service: &str,
) -> aws_sdk_codedeploy::operation::create_deployment_group::builders::CreateDeploymentGroupFluentBuilder{
    cd.create_deployment_group()
        .application_name(app)
        .deployment_group_name(group)
        .service_role_arn(ROLE)
        .deployment_style(
            DeploymentStyle::builder()
                .deployment_type(DeploymentType::BlueGreen)
                .deployment_option(DeploymentOption::WithTrafficControl)
                .build(),
        )
        .blue_green_deployment_configuration(
            BlueGreenDeploymentConfiguration::builder()
                .terminate_blue_instances_on_deployment_success(
                    BlueInstanceTerminationOption::builder()
                        .action(InstanceAction::Terminate)
                        .termination_wait_time_in_minutes(5)
                        .build(),
                )
                .deployment_ready_option(
                    DeploymentReadyOption::builder()
                        .action_on_timeout(DeploymentReadyAction::ContinueDeployment)
                        .build(),
                )
                .build(),
        )
        .ecs_services(
            EcsService::builder()
                .service_name(service)
                .cluster_name("my-cluster")
                .build(),
        )
        .load_balancer_info(
            LoadBalancerInfo::builder()
                .target_group_pair_info_list(pair(true))
                .build(),
        )
}

#[tokio::test]
async fn deployment_group_round_trip_through_the_sdk() {
    let s = server().await;
    let cd = s.codedeploy();
    create_ecs_app(&cd, "my-app").await;
    let id = create_group(&cd, "my-app", "my-app-dg", "my-app-service")
        .deployment_config_name("CodeDeployDefault.ECSLinear10PercentEvery1Minutes")
        .auto_rollback_configuration(
            AutoRollbackConfiguration::builder()
                .enabled(true)
                .events(AutoRollbackEvent::DeploymentFailure)
                .build(),
        )
        .tags(Tag::builder().key("env").value("dev").build())
        .send()
        .await
        .expect("CreateDeploymentGroup")
        .deployment_group_id()
        .unwrap()
        .to_owned();

    let g = cd
        .get_deployment_group()
        .application_name("my-app")
        .deployment_group_name("my-app-dg")
        .send()
        .await
        .expect("GetDeploymentGroup");
    let g = g.deployment_group_info().unwrap();
    assert_eq!(g.deployment_group_id(), Some(id.as_str()));
    assert_eq!(g.compute_platform(), Some(&ComputePlatform::Ecs));
    assert_eq!(
        g.deployment_config_name(),
        Some("CodeDeployDefault.ECSLinear10PercentEvery1Minutes")
    );
    assert_eq!(g.ecs_services()[0].service_name(), Some("my-app-service"));
    let bg = g.blue_green_deployment_configuration().unwrap();
    assert_eq!(
        bg.terminate_blue_instances_on_deployment_success()
            .unwrap()
            .termination_wait_time_in_minutes(),
        5
    );
    assert_eq!(
        bg.deployment_ready_option().unwrap().wait_time_in_minutes(),
        0
    );
    let p = &g
        .load_balancer_info()
        .unwrap()
        .target_group_pair_info_list()[0];
    assert_eq!(p.target_groups()[1].name(), Some("tg-b"));
    assert_eq!(p.test_traffic_route().unwrap().listener_arns().len(), 1);
    assert!(g.auto_rollback_configuration().unwrap().enabled());
    assert!(!g.alarm_configuration().unwrap().enabled());

    // Partial update with rename, then batch get and delete.
    cd.update_deployment_group()
        .application_name("my-app")
        .current_deployment_group_name("my-app-dg")
        .new_deployment_group_name("my-app-dg-2")
        .deployment_config_name("CodeDeployDefault.ECSCanary10Percent5Minutes")
        .send()
        .await
        .expect("UpdateDeploymentGroup");
    let b = cd
        .batch_get_deployment_groups()
        .application_name("my-app")
        .deployment_group_names("my-app-dg-2")
        .deployment_group_names("my-app-dg")
        .send()
        .await
        .expect("BatchGetDeploymentGroups");
    assert_eq!(b.deployment_groups_info().len(), 1);
    let g = &b.deployment_groups_info()[0];
    assert_eq!(g.deployment_group_id(), Some(id.as_str()));
    assert_eq!(
        g.deployment_config_name(),
        Some("CodeDeployDefault.ECSCanary10Percent5Minutes")
    );
    assert!(b.error_message().unwrap().contains("my-app-dg"));

    // Tags: the application's creation tags and the group's, through the tag API.
    let app_arn = "arn:aws:codedeploy:us-east-1:123456789012:application:my-app";
    let dg_arn = "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:my-app/my-app-dg-2";
    let t = cd
        .list_tags_for_resource()
        .resource_arn(app_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(t.tags()[0].key(), Some("team"));
    cd.tag_resource()
        .resource_arn(dg_arn)
        .tags(Tag::builder().key("owner").value("me").build())
        .send()
        .await
        .unwrap();
    cd.untag_resource()
        .resource_arn(dg_arn)
        .tag_keys("env")
        .send()
        .await
        .unwrap();
    let t = cd
        .list_tags_for_resource()
        .resource_arn(dg_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(t.tags().len(), 1);
    assert_eq!(t.tags()[0].value(), Some("me"));

    let d = cd
        .delete_deployment_group()
        .application_name("my-app")
        .deployment_group_name("my-app-dg-2")
        .send()
        .await
        .expect("DeleteDeploymentGroup");
    assert!(d.hooks_not_cleaned_up().is_empty());
    let e = cd
        .get_deployment_group()
        .application_name("my-app")
        .deployment_group_name("my-app-dg-2")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_deployment_group_does_not_exist_exception(), "{e:?}");
}

#[tokio::test]
async fn typed_errors_reach_the_sdk() {
    let s = server().await;
    let cd = s.codedeploy();
    create_ecs_app(&cd, "my-app").await;

    let e = create_group(&cd, "ghost", "dg", "svc")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_application_does_not_exist_exception(), "{e:?}");
    let e = create_group(&cd, "my-app", "dg", "svc")
        .deployment_style(
            DeploymentStyle::builder()
                .deployment_type(DeploymentType::InPlace)
                .deployment_option(DeploymentOption::WithoutTrafficControl)
                .build(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_deployment_style_exception(), "{e:?}");
    let e = create_group(&cd, "my-app", "dg", "svc")
        .ecs_services(
            EcsService::builder()
                .service_name("second")
                .cluster_name("c")
                .build(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_ecs_service_exception(), "{e:?}");
    let e = create_group(&cd, "my-app", "dg", "svc")
        .load_balancer_info(
            LoadBalancerInfo::builder()
                .target_group_pair_info_list(pair(true))
                .target_group_pair_info_list(pair(false))
                .build(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_target_group_pair_exception(), "{e:?}");
    let e = create_group(&cd, "my-app", "dg", "svc")
        .service_role_arn("not-a-role")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_role_exception(), "{e:?}");
    let e = create_group(&cd, "my-app", "dg", "svc")
        .deployment_config_name("CodeDeployDefault.OneAtATime")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_deployment_config_name_exception(), "{e:?}");
    let e = create_group(&cd, "my-app", "dg", "svc")
        .deployment_config_name("Missing")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_deployment_config_does_not_exist_exception(), "{e:?}");

    create_group(&cd, "my-app", "dg", "svc")
        .send()
        .await
        .unwrap();
    let e = create_group(&cd, "my-app", "dg", "svc")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_deployment_group_already_exists_exception(), "{e:?}");
    let e = create_group(&cd, "my-app", "dg-other", "svc")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_ecs_service_mapping_limit_exceeded_exception(), "{e:?}");

    let e = cd
        .create_deployment_config()
        .deployment_config_name("Bad")
        .compute_platform(ComputePlatform::Ecs)
        .traffic_routing_config(
            TrafficRoutingConfig::builder()
                .r#type(TrafficRoutingType::TimeBasedCanary)
                .build(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        e.is_invalid_traffic_routing_configuration_exception(),
        "{e:?}"
    );
    let e = cd
        .delete_deployment_config()
        .deployment_config_name("CodeDeployDefault.ECSAllAtOnce")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_operation_exception(), "{e:?}");
    let e = cd
        .get_deployment_config()
        .deployment_config_name("Missing")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_deployment_config_does_not_exist_exception(), "{e:?}");
    let e = cd
        .tag_resource()
        .resource_arn("arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:my-app/ghost")
        .tags(Tag::builder().key("k").value("v").build())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_deployment_group_does_not_exist_exception(), "{e:?}");
}

#[tokio::test]
async fn paginators_walk_groups_and_configs() {
    let s = server().await;
    let cd = s.codedeploy();
    create_ecs_app(&cd, "my-app").await;
    for i in 0..103 {
        create_group(&cd, "my-app", &format!("dg-{i:03}"), &format!("svc-{i}"))
            .send()
            .await
            .expect("CreateDeploymentGroup");
    }
    let pages = cd
        .list_deployment_groups()
        .application_name("my-app")
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("paginate groups");
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].deployment_groups().len(), 100);
    assert_eq!(pages[1].application_name(), Some("my-app"));
    let all: Vec<String> = cd
        .list_deployment_groups()
        .application_name("my-app")
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    assert_eq!(all.len(), 103);
    assert_eq!(all[102], "dg-102");

    for i in 0..90 {
        cd.create_deployment_config()
            .deployment_config_name(format!("canary-{i:02}"))
            .compute_platform(ComputePlatform::Ecs)
            .traffic_routing_config(
                TrafficRoutingConfig::builder()
                    .r#type(TrafficRoutingType::TimeBasedCanary)
                    .time_based_canary(
                        TimeBasedCanary::builder()
                            .canary_percentage(20)
                            .canary_interval(2)
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .expect("CreateDeploymentConfig");
    }
    let configs: Vec<String> = cd
        .list_deployment_configs()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("paginate configs");
    assert_eq!(configs.len(), 90 + 17);
    assert!(configs.windows(2).all(|w| w[0] < w[1]));
    assert!(configs.contains(&"CodeDeployDefault.ECSAllAtOnce".to_owned()));

    let c = cd
        .get_deployment_config()
        .deployment_config_name("canary-07")
        .send()
        .await
        .unwrap();
    let r = c
        .deployment_config_info()
        .unwrap()
        .traffic_routing_config()
        .unwrap();
    assert_eq!(r.r#type(), Some(&TrafficRoutingType::TimeBasedCanary));
    assert_eq!(r.time_based_canary().unwrap().canary_percentage(), 20);
}

#[tokio::test]
async fn cli_creates_the_story_group_from_a_file() {
    let s = server().await;
    s.aws(&[
        "deploy",
        "create-application",
        "--application-name",
        "my-app",
        "--compute-platform",
        "ECS",
    ])
    .await
    .assert_ok();
    let file = repo_root().join("fixtures/codedeploy/deployment-group.json");
    let input = format!("file://{}", file.display());
    let v = s
        .aws(&[
            "deploy",
            "create-deployment-group",
            "--cli-input-json",
            &input,
        ])
        .await
        .assert_ok();
    assert_eq!(v["deploymentGroupId"].as_str().unwrap().len(), 36);
    s.aws(&[
        "deploy",
        "create-deployment-group",
        "--cli-input-json",
        &input,
    ])
    .await
    .assert_error("DeploymentGroupAlreadyExistsException");

    let v = s
        .aws(&[
            "deploy",
            "get-deployment-group",
            "--application-name",
            "my-app",
            "--deployment-group-name",
            "my-app-dg",
        ])
        .await
        .assert_ok();
    let g = &v["deploymentGroupInfo"];
    assert_eq!(
        g["deploymentConfigName"],
        "CodeDeployDefault.ECSLinear10PercentEvery1Minutes"
    );
    assert_eq!(
        g["ecsServices"],
        json!([{"serviceName": "my-app-service", "clusterName": "my-cluster"}])
    );
    assert_eq!(
        g["loadBalancerInfo"]["targetGroupPairInfoList"][0]["targetGroups"],
        json!([{"name": "tg-a"}, {"name": "tg-b"}])
    );
    assert_eq!(
        g["blueGreenDeploymentConfiguration"]["deploymentReadyOption"]["waitTimeInMinutes"],
        0
    );

    let v = s
        .aws(&[
            "deploy",
            "list-deployment-groups",
            "--application-name",
            "my-app",
        ])
        .await
        .assert_ok();
    assert_eq!(v["deploymentGroups"], json!(["my-app-dg"]));
    let v = s
        .aws(&[
            "deploy",
            "batch-get-deployment-groups",
            "--application-name",
            "my-app",
            "--deployment-group-names",
            "my-app-dg",
            "ghost",
        ])
        .await
        .assert_ok();
    assert_eq!(v["deploymentGroupsInfo"].as_array().unwrap().len(), 1);
    assert!(v["errorMessage"].is_string());

    let v = s
        .aws(&[
            "deploy",
            "get-deployment-config",
            "--deployment-config-name",
            "CodeDeployDefault.ECSCanary10Percent5Minutes",
        ])
        .await
        .assert_ok();
    assert_eq!(
        v["deploymentConfigInfo"]["trafficRoutingConfig"],
        json!({"type": "TimeBasedCanary", "timeBasedCanary": {"canaryPercentage": 10, "canaryInterval": 5}})
    );
    assert_eq!(v["deploymentConfigInfo"]["computePlatform"], "ECS");
    let v = s
        .aws(&["deploy", "list-deployment-configs"])
        .await
        .assert_ok();
    let names = v["deploymentConfigsList"].as_array().unwrap();
    assert_eq!(names.len(), 17);
    assert!(names.contains(&json!("CodeDeployDefault.ECSLinear10PercentEvery3Minutes")));

    let arn = "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:my-app/my-app-dg";
    let v = s
        .aws(&["deploy", "list-tags-for-resource", "--resource-arn", arn])
        .await
        .assert_ok();
    assert_eq!(v["Tags"], json!([{"Key": "team", "Value": "platform"}]));
    s.aws(&[
        "deploy",
        "tag-resource",
        "--resource-arn",
        arn,
        "--tags",
        "Key=owner,Value=me",
    ])
    .await
    .assert_ok();
    s.aws(&[
        "deploy",
        "update-deployment-group",
        "--application-name",
        "my-app",
        "--current-deployment-group-name",
        "my-app-dg",
        "--deployment-config-name",
        "CodeDeployDefault.ECSAllAtOnce",
    ])
    .await
    .assert_ok();
    s.aws(&[
        "deploy",
        "delete-deployment-config",
        "--deployment-config-name",
        "CodeDeployDefault.ECSAllAtOnce",
    ])
    .await
    .assert_error("InvalidOperationException");
    s.aws(&[
        "deploy",
        "get-deployment-group",
        "--application-name",
        "my-app",
        "--deployment-group-name",
        "ghost",
    ])
    .await
    .assert_error("DeploymentGroupDoesNotExistException");
    let v = s
        .aws(&[
            "deploy",
            "delete-deployment-group",
            "--application-name",
            "my-app",
            "--deployment-group-name",
            "my-app-dg",
        ])
        .await
        .assert_ok();
    assert_eq!(v["hooksNotCleanedUp"], json!([]));
}

//! Issue 5: CodeDeploy ECS blue/green deployments that really run, through the AWS SDK for Rust
//! under a manual clock — exact timelines of listener weights, lifecycle events and task sets;
//! hooks over HTTP (direct answers and callbacks), failures, timeouts, stops, rollbacks, the
//! ready and termination waits, and the target-group pair alternating between deployments.

use std::time::Duration;

use aws_sdk_codedeploy as cd;
use aws_sdk_codedeploy::types::DeploymentOption;
use aws_sdk_codedeploy::types::DeploymentType;
use cd::client::Waiters;
use cd::types::{
    AppSpecContent, AutoRollbackConfiguration, AutoRollbackEvent, BlueGreenDeploymentConfiguration,
    BlueInstanceTerminationOption, ComputePlatform, DeploymentReadyAction, DeploymentReadyOption,
    DeploymentStatus, DeploymentStyle, DeploymentWaitType, EcsService, EcsTarget, InstanceAction,
    LifecycleEventStatus, LoadBalancerInfo, RevisionLocation, RevisionLocationType,
    TargetGroupInfo, TargetGroupPairInfo, TimeBasedCanary, TrafficRoute, TrafficRoutingConfig,
    TrafficRoutingType,
};
use reqwest::Method;
use serde_json::json;

use crate::ecs_services::{lb, network, task_def};
use crate::elbv2::{forward, listener, stack, Stack};
use crate::hook_server::{Behaviour, HookServer};
use crate::support::{server, TestServer};

/// The group's knobs.
#[derive(Clone)]
pub struct GroupOpts {
    pub config: &'static str,
    pub test_listener: bool,
    /// `Some(minutes)`: STOP_DEPLOYMENT ready wait.
    pub ready_wait: Option<i32>,
    pub termination_wait: i32,
    pub rollback_events: Vec<AutoRollbackEvent>,
}

impl Default for GroupOpts {
    fn default() -> Self {
        GroupOpts {
            config: "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
            test_listener: true,
            ready_wait: None,
            termination_wait: 5,
            rollback_events: vec![
                AutoRollbackEvent::DeploymentFailure,
                AutoRollbackEvent::DeploymentStopOnRequest,
            ],
        }
    }
}

pub struct Story {
    pub st: Stack,
    pub prod: String,
    pub test: Option<String>,
    pub v1: String,
    pub v2: String,
}

/// The rehearsal story at rest: `my-app-service` (CODE_DEPLOY) runs `my-app-task:1` in TG-A
/// behind the production listener; TG-B is spare; the app and its deployment group exist.
pub async fn story(s: &TestServer, opts: GroupOpts) -> Story {
    s.ecs()
        .create_cluster()
        .cluster_name("my-cluster")
        .send()
        .await
        .unwrap();
    let st = stack(s).await;
    let prod = listener(s, &st.lb, 80, forward(&st.tg_a)).await;
    let test = if opts.test_listener {
        Some(listener(s, &st.lb, 8080, forward(&st.tg_a)).await)
    } else {
        None
    };
    let v1 = task_def(s, "my-app:v1", &[]).await;
    let v2 = task_def(s, "my-app:v2", &[]).await;
    s.ecs()
        .create_service()
        .cluster("my-cluster")
        .service_name("my-app-service")
        .task_definition(&v1)
        .desired_count(2)
        .deployment_controller(
            aws_sdk_ecs::types::DeploymentController::builder()
                .r#type(aws_sdk_ecs::types::DeploymentControllerType::CodeDeploy)
                .build()
                .unwrap(),
        )
        .load_balancers(lb(&st.tg_a))
        .network_configuration(network())
        .send()
        .await
        .unwrap();
    s.advance(200.0).await;
    let c = s.codedeploy();
    c.create_application()
        .application_name("my-app")
        .compute_platform(ComputePlatform::Ecs)
        .send()
        .await
        .unwrap();
    let mut pair = TargetGroupPairInfo::builder()
        .target_groups(TargetGroupInfo::builder().name("tg-a").build())
        .target_groups(TargetGroupInfo::builder().name("tg-b").build())
        .prod_traffic_route(TrafficRoute::builder().listener_arns(&prod).build());
    if let Some(t) = &test {
        pair = pair.test_traffic_route(TrafficRoute::builder().listener_arns(t).build());
    }
    let ready = match opts.ready_wait {
        Some(m) => DeploymentReadyOption::builder()
            .action_on_timeout(DeploymentReadyAction::StopDeployment)
            .wait_time_in_minutes(m)
            .build(),
        None => DeploymentReadyOption::builder()
            .action_on_timeout(DeploymentReadyAction::ContinueDeployment)
            .wait_time_in_minutes(0)
            .build(),
    };
    let mut rollback =
        AutoRollbackConfiguration::builder().enabled(!opts.rollback_events.is_empty());
    for e in &opts.rollback_events {
        rollback = rollback.events(e.clone());
    }
    c.create_deployment_group()
        .application_name("my-app")
        .deployment_group_name("my-app-dg")
        .service_role_arn("arn:aws:iam::123456789012:role/ecsCodeDeployRole")
        .deployment_config_name(opts.config)
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
                        .termination_wait_time_in_minutes(opts.termination_wait)
                        .build(),
                )
                .deployment_ready_option(ready)
                .build(),
        )
        .ecs_services(
            EcsService::builder()
                .service_name("my-app-service")
                .cluster_name("my-cluster")
                .build(),
        )
        .load_balancer_info(
            LoadBalancerInfo::builder()
                .target_group_pair_info_list(pair.build())
                .build(),
        )
        .auto_rollback_configuration(rollback.build())
        .send()
        .await
        .unwrap();
    Story {
        st,
        prod,
        test,
        v1,
        v2,
    }
}

pub fn appspec(td: &str, hooks: &[(&str, &str)]) -> String {
    let mut y = format!(
        "version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: \"{td}\"\n        LoadBalancerInfo:\n          ContainerName: \"app\"\n          ContainerPort: 8080\n"
    );
    if !hooks.is_empty() {
        y.push_str("Hooks:\n");
        for (e, f) in hooks {
            y.push_str(&format!("  - {e}: \"{f}\"\n"));
        }
    }
    y
}

pub fn revision(content: &str) -> RevisionLocation {
    RevisionLocation::builder()
        .revision_type(RevisionLocationType::AppSpecContent)
        .app_spec_content(AppSpecContent::builder().content(content).build())
        .build()
}

pub async fn deploy(s: &TestServer, content: &str) -> String {
    s.codedeploy()
        .create_deployment()
        .application_name("my-app")
        .deployment_group_name("my-app-dg")
        .revision(revision(content))
        .send()
        .await
        .unwrap()
        .deployment_id()
        .unwrap()
        .to_owned()
}

pub async fn info(s: &TestServer, id: &str) -> cd::types::DeploymentInfo {
    s.codedeploy()
        .get_deployment()
        .deployment_id(id)
        .send()
        .await
        .unwrap()
        .deployment_info()
        .unwrap()
        .clone()
}

pub async fn target(s: &TestServer, id: &str) -> EcsTarget {
    s.codedeploy()
        .get_deployment_target()
        .deployment_id(id)
        .target_id("my-cluster:my-app-service")
        .send()
        .await
        .unwrap()
        .deployment_target()
        .unwrap()
        .ecs_target()
        .unwrap()
        .clone()
}

fn events(t: &EcsTarget) -> Vec<(String, String)> {
    t.lifecycle_events()
        .iter()
        .map(|e| {
            (
                e.lifecycle_event_name().unwrap().to_owned(),
                e.status().unwrap().as_str().to_owned(),
            )
        })
        .collect()
}

fn event_status(t: &EcsTarget, name: &str) -> String {
    events(t)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, s)| s)
        .unwrap_or_else(|| format!("no {name}"))
}

/// (target group name, weight) of a listener's forward, in order.
pub async fn weights(s: &TestServer, listener: &str) -> Vec<(String, i32)> {
    let d = s
        .elbv2()
        .describe_listeners()
        .listener_arns(listener)
        .send()
        .await
        .unwrap();
    let fc = d.listeners()[0].default_actions()[0]
        .forward_config()
        .unwrap()
        .clone();
    fc.target_groups()
        .iter()
        .map(|t| {
            let arn = t.target_group_arn().unwrap();
            (
                arn.split('/').nth(1).unwrap().to_owned(),
                t.weight().unwrap(),
            )
        })
        .collect()
}

fn w(pairs: &[(&str, i32)]) -> Vec<(String, i32)> {
    pairs.iter().map(|(n, w)| ((*n).to_owned(), *w)).collect()
}

/// Waits (bounded) for hook I/O — not for the simulation, which only moves on `advance`.
pub async fn eventually<F, Fut>(what: &str, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..2000 {
        if f().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn register_hook(s: &TestServer, name: &str, url: &str) {
    let (code, v) = s
        .control(
            Method::PUT,
            &format!("/_cutover/hooks/{name}"),
            Some(json!({"url": url})),
        )
        .await;
    assert_eq!(code, 200, "{v}");
}

#[tokio::test]
async fn linear_deployment_timeline_then_the_pair_alternates() {
    let s = server().await;
    let story = story(&s, GroupOpts::default()).await;
    let hooks = HookServer::start(
        s.codedeploy(),
        &[
            ("CheckTestTraffic", Behaviour::AnswerSucceeded),
            ("CheckProdTraffic", Behaviour::CallbackSucceeded),
        ],
    )
    .await;
    register_hook(&s, "CheckTestTraffic", &hooks.url("CheckTestTraffic")).await;
    register_hook(&s, "CheckProdTraffic", &hooks.url("CheckProdTraffic")).await;
    let t0 = s.now().await;
    let id = deploy(
        &s,
        &appspec(
            &story.v2,
            &[
                ("AfterAllowTestTraffic", "CheckTestTraffic"),
                (
                    "AfterAllowTraffic",
                    "arn:aws:lambda:us-east-1:123456789012:function:CheckProdTraffic",
                ),
            ],
        ),
    )
    .await;
    assert!(id.starts_with("d-") && id.len() == 11);

    // Created and started at once: BeforeInstall (no hook) done, Install running.
    let d = info(&s, &id).await;
    assert_eq!(d.status(), Some(&DeploymentStatus::InProgress));
    assert_eq!(d.start_time().unwrap().secs() as f64, t0.floor());
    let t = target(&s, &id).await;
    assert_eq!(t.target_id(), Some("my-cluster:my-app-service"));
    assert_eq!(event_status(&t, "BeforeInstall"), "Succeeded");
    assert_eq!(event_status(&t, "Install"), "InProgress");
    assert_eq!(t.lifecycle_events().len(), 8);
    let sets = t.task_sets_info();
    assert_eq!(sets.len(), 2);
    assert_eq!(
        (
            sets[0].status(),
            sets[0].traffic_weight(),
            sets[0].target_group().unwrap().name()
        ),
        (Some("PRIMARY"), 100.0, Some("tg-a"))
    );
    assert_eq!(
        (
            sets[1].status(),
            sets[1].traffic_weight(),
            sets[1].target_group().unwrap().name()
        ),
        (Some("ACTIVE"), 0.0, Some("tg-b"))
    );
    assert_eq!(
        sets[1].task_set_label(),
        Some(&cd::types::TargetLabel::Green)
    );
    let svc = s
        .ecs()
        .describe_services()
        .cluster("my-cluster")
        .services("my-app-service")
        .send()
        .await
        .unwrap()
        .services()[0]
        .clone();
    let replacement = svc
        .task_sets()
        .iter()
        .find(|t| t.status() == Some("ACTIVE"))
        .unwrap()
        .clone();
    assert_eq!(replacement.started_by(), Some("CODE_DEPLOY"));
    assert_eq!(replacement.external_id(), Some(id.as_str()));
    assert_eq!(replacement.task_definition(), Some(story.v2.as_str()));

    // Install completes when the replacement's tasks are healthy in TG-B: registered at 11 s
    // (PROVISIONING 2 s + PENDING 9 s), healthy 5 x 30 s later.
    s.advance(160.999).await;
    assert_eq!(
        event_status(&target(&s, &id).await, "Install"),
        "InProgress"
    );
    s.advance(0.001).await;
    let tg_b = s
        .elbv2()
        .describe_target_health()
        .target_group_arn(&story.st.tg_b)
        .send()
        .await
        .unwrap();
    assert_eq!(
        tg_b.target_health_descriptions().len(),
        2,
        "the replacement's tasks are registered in TG-B"
    );
    // AllowTestTraffic moved the test listener; the test-traffic hook answered directly.
    assert_eq!(
        weights(&s, story.test.as_ref().unwrap()).await,
        w(&[("tg-b", 1)])
    );
    eventually("the AfterAllowTestTraffic hook", || async {
        event_status(&target(&s, &id).await, "AfterAllowTestTraffic") == "Succeeded"
    })
    .await;
    // Then the first 10 % step, at the same virtual instant.
    assert_eq!(
        weights(&s, &story.prod).await,
        w(&[("tg-a", 90), ("tg-b", 10)])
    );
    let calls = hooks.calls();
    assert_eq!(calls[0].0, "CheckTestTraffic");
    assert_eq!(calls[0].1["DeploymentId"], id.as_str());
    assert!(calls[0].1["LifecycleEventHookExecutionId"]
        .as_str()
        .is_some_and(|x| !x.is_empty()));

    // 10 % more every minute.
    for k in 2..=9 {
        s.advance(59.999).await;
        assert_eq!(
            weights(&s, &story.prod).await,
            w(&[("tg-a", 100 - 10 * (k - 1)), ("tg-b", 10 * (k - 1))])
        );
        s.advance(0.001).await;
        assert_eq!(
            weights(&s, &story.prod).await,
            w(&[("tg-a", 100 - 10 * k), ("tg-b", 10 * k)])
        );
        let t = target(&s, &id).await;
        assert_eq!(t.task_sets_info()[1].traffic_weight(), (10 * k) as f64);
    }
    s.advance(60.0).await;
    // All traffic on the replacement: single forward to TG-B, replacement primary.
    assert_eq!(weights(&s, &story.prod).await, w(&[("tg-b", 1)]));
    eventually("the AfterAllowTraffic callback", || async {
        event_status(&target(&s, &id).await, "AfterAllowTraffic") == "Succeeded"
    })
    .await;
    let t = target(&s, &id).await;
    assert_eq!(t.status(), Some(&cd::types::TargetStatus::Succeeded));
    assert_eq!(t.task_sets_info()[1].status(), Some("PRIMARY"));
    assert_eq!(t.task_sets_info()[0].status(), Some("ACTIVE"));
    let d = info(&s, &id).await;
    assert_eq!(d.status(), Some(&DeploymentStatus::InProgress));
    assert!(d.instance_termination_wait_time_started());
    let svc = s
        .ecs()
        .describe_services()
        .cluster("my-cluster")
        .services("my-app-service")
        .send()
        .await
        .unwrap()
        .services()[0]
        .clone();
    assert_eq!(
        svc.task_definition(),
        Some(story.v2.as_str()),
        "the service follows the new primary"
    );

    // Termination wait: 5 minutes, then the original task set drains away.
    s.advance(299.999).await;
    assert_eq!(
        info(&s, &id).await.status(),
        Some(&DeploymentStatus::InProgress)
    );
    s.advance(0.001).await;
    let d = info(&s, &id).await;
    assert_eq!(d.status(), Some(&DeploymentStatus::Succeeded));
    assert_eq!(
        d.complete_time().unwrap().secs() as f64,
        (t0 + 161.0 + 540.0 + 300.0).floor()
    );
    assert_eq!(d.deployment_overview().unwrap().succeeded(), 1);
    let svc = s
        .ecs()
        .describe_services()
        .cluster("my-cluster")
        .services("my-app-service")
        .send()
        .await
        .unwrap()
        .services()[0]
        .clone();
    assert_eq!(
        svc.task_sets()
            .iter()
            .find(|t| t.status() == Some("DRAINING"))
            .map(|t| t.task_definition().unwrap().to_owned()),
        Some(story.v1.clone())
    );
    s.advance(400.0).await;
    let svc = s
        .ecs()
        .describe_services()
        .cluster("my-cluster")
        .services("my-app-service")
        .send()
        .await
        .unwrap()
        .services()[0]
        .clone();
    assert_eq!(svc.task_sets().len(), 1);
    let g = s
        .codedeploy()
        .get_deployment_group()
        .application_name("my-app")
        .deployment_group_name("my-app-dg")
        .send()
        .await
        .unwrap();
    assert_eq!(
        g.deployment_group_info()
            .unwrap()
            .last_successful_deployment()
            .unwrap()
            .deployment_id(),
        Some(id.as_str())
    );
    let ok = s
        .codedeploy()
        .wait_until_deployment_successful()
        .deployment_id(&id)
        .wait(Duration::from_secs(5))
        .await;
    assert!(ok.is_ok(), "{ok:?}");

    // The next deployment puts its replacement in TG-A; no third target group ever appears.
    let id2 = s
        .codedeploy()
        .create_deployment()
        .application_name("my-app")
        .deployment_group_name("my-app-dg")
        .deployment_config_name("CodeDeployDefault.ECSAllAtOnce")
        .revision(revision(&appspec(&story.v1, &[])))
        .send()
        .await
        .unwrap()
        .deployment_id()
        .unwrap()
        .to_owned();
    let t = target(&s, &id2).await;
    assert_eq!(
        t.task_sets_info()[0].target_group().unwrap().name(),
        Some("tg-b")
    );
    assert_eq!(
        t.task_sets_info()[1].target_group().unwrap().name(),
        Some("tg-a")
    );
    s.advance(162.0).await;
    assert_eq!(
        weights(&s, &story.prod).await,
        w(&[("tg-a", 1)]),
        "all at once"
    );
    s.advance(300.0).await;
    let d2 = info(&s, &id2).await;
    assert_eq!(d2.status(), Some(&DeploymentStatus::Succeeded));
    assert_eq!(
        d2.previous_revision()
            .unwrap()
            .app_spec_content()
            .unwrap()
            .content()
            .unwrap(),
        appspec(
            &story.v2,
            &[
                ("AfterAllowTestTraffic", "CheckTestTraffic"),
                (
                    "AfterAllowTraffic",
                    "arn:aws:lambda:us-east-1:123456789012:function:CheckProdTraffic"
                )
            ]
        )
    );
    let tgs = s.elbv2().describe_target_groups().send().await.unwrap();
    assert_eq!(tgs.target_groups().len(), 2);
    let listed = s
        .codedeploy()
        .list_deployments()
        .application_name("my-app")
        .deployment_group_name("my-app-dg")
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed.deployments(),
        [id2.clone(), id.clone()],
        "newest first"
    );
}

#[tokio::test]
async fn custom_canary_without_a_test_listener() {
    let s = server().await;
    let c = s.codedeploy();
    c.create_deployment_config()
        .deployment_config_name("Canary20Percent2Minutes")
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
        .unwrap();
    let story = story(
        &s,
        GroupOpts {
            config: "Canary20Percent2Minutes",
            test_listener: false,
            termination_wait: 0,
            ..GroupOpts::default()
        },
    )
    .await;
    let id = deploy(&s, &appspec(&story.v2, &[])).await;
    let names: Vec<String> = events(&target(&s, &id).await)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        [
            "BeforeInstall",
            "Install",
            "AfterInstall",
            "BeforeAllowTraffic",
            "AllowTraffic",
            "AfterAllowTraffic"
        ]
    );
    s.advance(162.0).await;
    let d = info(&s, &id).await;
    assert_eq!(d.deployment_config_name(), Some("Canary20Percent2Minutes"));
    assert_eq!(
        weights(&s, &story.prod).await,
        w(&[("tg-a", 80), ("tg-b", 20)]),
        "{:?}",
        events(&target(&s, &id).await)
    );
    s.advance(118.999).await;
    assert_eq!(
        weights(&s, &story.prod).await,
        w(&[("tg-a", 80), ("tg-b", 20)])
    );
    s.advance(0.001).await;
    assert_eq!(weights(&s, &story.prod).await, w(&[("tg-b", 1)]));
    // Termination wait 0: done at once.
    let d = info(&s, &id).await;
    assert_eq!(d.status(), Some(&DeploymentStatus::Succeeded));
    assert!(events(&target(&s, &id).await)
        .iter()
        .all(|(_, st)| st == "Succeeded"));
}

#[tokio::test]
async fn ready_wait_continue_timeout_and_termination_skip() {
    let s = server().await;
    let story = story(
        &s,
        GroupOpts {
            ready_wait: Some(10),
            config: "CodeDeployDefault.ECSAllAtOnce",
            ..GroupOpts::default()
        },
    )
    .await;
    let id = deploy(&s, &appspec(&story.v2, &[])).await;
    s.advance(162.0).await;
    let d = info(&s, &id).await;
    assert_eq!(d.status(), Some(&DeploymentStatus::Ready));
    assert_eq!(d.deployment_overview().unwrap().ready(), 1);
    assert_eq!(
        target(&s, &id).await.status(),
        Some(&cd::types::TargetStatus::Ready)
    );
    assert_eq!(
        weights(&s, story.test.as_ref().unwrap()).await,
        w(&[("tg-b", 1)]),
        "test traffic already on the replacement"
    );
    assert_eq!(weights(&s, &story.prod).await, w(&[("tg-a", 1)]));
    let e = s
        .codedeploy()
        .continue_deployment()
        .deployment_id(&id)
        .deployment_wait_type(DeploymentWaitType::TerminationWait)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_deployment_status_exception(), "{e:?}");
    s.codedeploy()
        .continue_deployment()
        .deployment_id(&id)
        .deployment_wait_type(DeploymentWaitType::ReadyWait)
        .send()
        .await
        .unwrap();
    assert_eq!(weights(&s, &story.prod).await, w(&[("tg-b", 1)]));
    let d = info(&s, &id).await;
    assert_eq!(
        (d.status(), d.instance_termination_wait_time_started()),
        (Some(&DeploymentStatus::InProgress), true)
    );
    let e = s
        .codedeploy()
        .continue_deployment()
        .deployment_id(&id)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_deployment_is_not_in_ready_state_exception(), "{e:?}");
    // Skip the termination wait.
    s.codedeploy()
        .continue_deployment()
        .deployment_id(&id)
        .deployment_wait_type(DeploymentWaitType::TerminationWait)
        .send()
        .await
        .unwrap();
    assert_eq!(
        info(&s, &id).await.status(),
        Some(&DeploymentStatus::Succeeded)
    );
    let e = s
        .codedeploy()
        .stop_deployment()
        .deployment_id(&id)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_deployment_already_completed_exception());

    // The ready wait times out: Stopped, and the group's auto-rollback restores TG-B (now the original).
    let id2 = deploy(&s, &appspec(&story.v1, &[])).await;
    s.advance(162.0).await;
    assert_eq!(
        info(&s, &id2).await.status(),
        Some(&DeploymentStatus::Ready)
    );
    s.advance(600.0).await;
    let d2 = info(&s, &id2).await;
    assert_eq!(d2.status(), Some(&DeploymentStatus::Stopped));
    assert_eq!(
        d2.error_information().unwrap().code(),
        Some(&cd::types::ErrorCode::Timeout)
    );
    let rb = d2
        .rollback_info()
        .unwrap()
        .rollback_deployment_id()
        .unwrap()
        .to_owned();
    let r = info(&s, &rb).await;
    assert_eq!(
        r.creator(),
        Some(&cd::types::DeploymentCreator::CodeDeployRollback)
    );
    assert_eq!(r.status(), Some(&DeploymentStatus::Succeeded));
    assert_eq!(
        weights(&s, story.test.as_ref().unwrap()).await,
        w(&[("tg-b", 1)])
    );
    assert_eq!(weights(&s, &story.prod).await, w(&[("tg-b", 1)]));
}

#[tokio::test]
async fn a_failing_hook_rolls_back_to_the_original_task_set() {
    let s = server().await;
    let story = story(&s, GroupOpts::default()).await;
    let hooks = HookServer::start(s.codedeploy(), &[("Validate", Behaviour::CallbackFailed)]).await;
    register_hook(&s, "Validate", &hooks.url("Validate")).await;
    let id = deploy(
        &s,
        &appspec(&story.v2, &[("AfterAllowTestTraffic", "Validate")]),
    )
    .await;
    s.advance(162.0).await;
    eventually("the failed deployment", || async {
        info(&s, &id).await.status() == Some(&DeploymentStatus::Failed)
    })
    .await;
    let d = info(&s, &id).await;
    assert_eq!(
        d.error_information().unwrap().code(),
        Some(&cd::types::ErrorCode::HookExecutionFailure)
    );
    let t = target(&s, &id).await;
    assert_eq!(event_status(&t, "AfterAllowTestTraffic"), "Failed");
    let diag = t
        .lifecycle_events()
        .iter()
        .find(|e| e.lifecycle_event_name() == Some("AfterAllowTestTraffic"))
        .unwrap()
        .diagnostics()
        .unwrap()
        .clone();
    assert_eq!(
        diag.error_code(),
        Some(&cd::types::LifecycleErrorCode::ScriptFailed)
    );
    assert_eq!(event_status(&t, "AllowTraffic"), "Skipped");
    // The rollback deployment restored both listeners and kept the original primary.
    let rb = d
        .rollback_info()
        .unwrap()
        .rollback_deployment_id()
        .unwrap()
        .to_owned();
    let r = info(&s, &rb).await;
    assert_eq!(
        r.rollback_info()
            .unwrap()
            .rollback_triggering_deployment_id(),
        Some(id.as_str())
    );
    assert_eq!(r.status(), Some(&DeploymentStatus::Succeeded));
    assert_eq!(weights(&s, &story.prod).await, w(&[("tg-a", 1)]));
    assert_eq!(
        weights(&s, story.test.as_ref().unwrap()).await,
        w(&[("tg-a", 1)])
    );
    let svc = s
        .ecs()
        .describe_services()
        .cluster("my-cluster")
        .services("my-app-service")
        .send()
        .await
        .unwrap()
        .services()[0]
        .clone();
    assert_eq!(svc.task_definition(), Some(story.v1.as_str()));
    assert!(svc
        .task_sets()
        .iter()
        .any(|t| t.status() == Some("DRAINING") && t.task_definition() == Some(story.v2.as_str())));
    // The waiter on the failed deployment fails even though the rollback succeeded.
    let r = s
        .codedeploy()
        .wait_until_deployment_successful()
        .deployment_id(&id)
        .wait(Duration::from_secs(5))
        .await;
    assert!(r.is_err());
    // A late report of the finished hook is refused.
    let exec = hooks.calls()[0].1["LifecycleEventHookExecutionId"]
        .as_str()
        .unwrap()
        .to_owned();
    let e = s
        .codedeploy()
        .put_lifecycle_event_hook_execution_status()
        .deployment_id(&id)
        .lifecycle_event_hook_execution_id(&exec)
        .status(LifecycleEventStatus::Succeeded)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_lifecycle_event_already_completed_exception(), "{e:?}");
}

#[tokio::test]
async fn hook_timeouts_unreachable_endpoints_and_unmapped_functions_fail() {
    let s = server().await;
    let story = story(
        &s,
        GroupOpts {
            rollback_events: vec![],
            ..GroupOpts::default()
        },
    )
    .await;
    let hooks = HookServer::start(
        s.codedeploy(),
        &[
            ("Slow", Behaviour::Silent),
            ("Broken", Behaviour::Error500),
            ("Refuses", Behaviour::AnswerFailed),
        ],
    )
    .await;
    register_hook(&s, "Slow", &hooks.url("Slow")).await;
    register_hook(&s, "Broken", &hooks.url("Broken")).await;
    register_hook(&s, "Refuses", &hooks.url("Refuses")).await;

    // A hook that answers Failed directly.
    let id = deploy(&s, &appspec(&story.v2, &[("BeforeInstall", "Refuses")])).await;
    eventually("the refusing hook", || async {
        info(&s, &id).await.status() == Some(&DeploymentStatus::Failed)
    })
    .await;
    assert_eq!(
        info(&s, &id).await.error_information().unwrap().code(),
        Some(&cd::types::ErrorCode::HookExecutionFailure)
    );

    // Unmapped function: fails at once with a diagnostic that says how to register it.
    let id = deploy(
        &s,
        &appspec(&story.v2, &[("BeforeInstall", "NotRegistered")]),
    )
    .await;
    eventually("the unmapped hook", || async {
        info(&s, &id).await.status() == Some(&DeploymentStatus::Failed)
    })
    .await;
    let d = info(&s, &id).await;
    assert_eq!(
        d.error_information().unwrap().code(),
        Some(&cd::types::ErrorCode::InvalidLambdaFunction)
    );
    assert!(d
        .error_information()
        .unwrap()
        .message()
        .unwrap()
        .contains("/_cutover/hooks/NotRegistered"));
    assert!(d.rollback_info().is_none(), "no rollback configured");

    // An endpoint answering 500.
    let id = deploy(&s, &appspec(&story.v2, &[("BeforeInstall", "Broken")])).await;
    eventually("the broken hook", || async {
        info(&s, &id).await.status() == Some(&DeploymentStatus::Failed)
    })
    .await;
    assert!(info(&s, &id)
        .await
        .error_information()
        .unwrap()
        .message()
        .unwrap()
        .contains("HTTP 500"));

    // An unreachable endpoint.
    register_hook(&s, "Gone", "http://127.0.0.1:9/gone").await;
    let id = deploy(&s, &appspec(&story.v2, &[("BeforeInstall", "Gone")])).await;
    eventually("the unreachable hook", || async {
        info(&s, &id).await.status() == Some(&DeploymentStatus::Failed)
    })
    .await;
    assert!(info(&s, &id)
        .await
        .error_information()
        .unwrap()
        .message()
        .unwrap()
        .contains("could not be reached"));

    // A hook that never reports: failed after 60 virtual minutes.
    let id = deploy(&s, &appspec(&story.v2, &[("BeforeInstall", "Slow")])).await;
    eventually("the slow hook's invocation", || async {
        hooks.calls().iter().any(|(f, _)| f == "Slow")
    })
    .await;
    s.advance(3599.0).await;
    assert_eq!(
        info(&s, &id).await.status(),
        Some(&DeploymentStatus::InProgress)
    );
    s.advance(1.0).await;
    let d = info(&s, &id).await;
    assert_eq!(d.status(), Some(&DeploymentStatus::Failed));
    assert_eq!(
        d.error_information().unwrap().code(),
        Some(&cd::types::ErrorCode::Timeout)
    );
    let t = target(&s, &id).await;
    let diag = t.lifecycle_events()[0].diagnostics().unwrap().clone();
    assert_eq!(
        diag.error_code(),
        Some(&cd::types::LifecycleErrorCode::ScriptTimedOut)
    );
}

#[tokio::test]
async fn install_failure_stop_and_errors() {
    let s = server().await;
    let story = story(&s, GroupOpts::default()).await;
    let c = s.codedeploy();
    // A replacement that never becomes healthy: Install times out after 60 minutes, rolls back.
    let sick = task_def(&s, "my-app:sick", &[("cutover.health", "unhealthy")]).await;
    let id = deploy(&s, &appspec(&sick, &[])).await;
    let e = c
        .create_deployment()
        .application_name("my-app")
        .deployment_group_name("my-app-dg")
        .revision(revision(&appspec(&story.v2, &[])))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_deployment_limit_exceeded_exception(), "{e:?}");
    s.advance(3600.0).await;
    let d = info(&s, &id).await;
    assert_eq!(d.status(), Some(&DeploymentStatus::Failed));
    assert_eq!(
        d.error_information().unwrap().code(),
        Some(&cd::types::ErrorCode::Timeout)
    );
    assert_eq!(event_status(&target(&s, &id).await, "Install"), "Failed");
    assert!(d.rollback_info().is_some());
    assert_eq!(weights(&s, &story.prod).await, w(&[("tg-a", 1)]));

    // Unknown task definition in the AppSpec: fails at run time with INVALID_REVISION.
    let id = deploy(
        &s,
        &appspec(
            "arn:aws:ecs:us-east-1:123456789012:task-definition/ghost:9",
            &[],
        ),
    )
    .await;
    let d = info(&s, &id).await;
    assert_eq!(d.status(), Some(&DeploymentStatus::Failed));
    assert_eq!(
        d.error_information().unwrap().code(),
        Some(&cd::types::ErrorCode::InvalidRevision)
    );

    // StopDeployment with rollback, mid-shift.
    let id = deploy(&s, &appspec(&story.v2, &[])).await;
    s.advance(162.0 + 60.0).await;
    assert_eq!(
        weights(&s, &story.prod).await,
        w(&[("tg-a", 80), ("tg-b", 20)])
    );
    let out = c
        .stop_deployment()
        .deployment_id(&id)
        .auto_rollback_enabled(true)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), Some(&cd::types::StopStatus::Succeeded));
    let d = info(&s, &id).await;
    assert_eq!(d.status(), Some(&DeploymentStatus::Stopped));
    assert_eq!(
        d.error_information().unwrap().code(),
        Some(&cd::types::ErrorCode::ManualStop)
    );
    assert_eq!(weights(&s, &story.prod).await, w(&[("tg-a", 1)]));
    // Without rollback the half-done state stays; the next deployment starts from a clean pair.
    let id = deploy(&s, &appspec(&story.v2, &[])).await;
    s.advance(162.0 + 60.0).await;
    c.stop_deployment()
        .deployment_id(&id)
        .auto_rollback_enabled(false)
        .send()
        .await
        .unwrap();
    assert_eq!(
        weights(&s, &story.prod).await,
        w(&[("tg-a", 80), ("tg-b", 20)])
    );
    assert!(info(&s, &id).await.rollback_info().is_none());
    let id = deploy(&s, &appspec(&story.v2, &[])).await;
    assert_eq!(
        weights(&s, &story.prod).await,
        w(&[("tg-a", 1)]),
        "cleaned up before Install"
    );
    s.advance(1200.0).await;
    assert_eq!(
        info(&s, &id).await.status(),
        Some(&DeploymentStatus::Succeeded)
    );

    // Request errors.
    let e = c
        .get_deployment()
        .deployment_id("d-NOPE")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_deployment_id_exception());
    let e = c
        .get_deployment()
        .deployment_id("d-AAAAAAAAA")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_deployment_does_not_exist_exception());
    let bad_sha = RevisionLocation::builder()
        .revision_type(RevisionLocationType::AppSpecContent)
        .app_spec_content(
            AppSpecContent::builder()
                .content(appspec(&story.v2, &[]))
                .sha256("00")
                .build(),
        )
        .build();
    let e = c
        .create_deployment()
        .application_name("my-app")
        .deployment_group_name("my-app-dg")
        .revision(bad_sha)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_revision_exception());
    let e = c
        .create_deployment()
        .application_name("my-app")
        .deployment_group_name("my-app-dg")
        .revision(revision(&appspec(
            &story.v2,
            &[("BeforeInstall", "LambdaFunction: X")],
        )))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_revision_exception());
    assert!(e
        .meta()
        .message()
        .unwrap()
        .contains("Lambda function name or ARN"));
    let e = c
        .create_deployment()
        .application_name("my-app")
        .deployment_group_name("nope")
        .revision(revision(&appspec(&story.v2, &[])))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_deployment_group_does_not_exist_exception());
    let e = c
        .put_lifecycle_event_hook_execution_status()
        .deployment_id(&id)
        .lifecycle_event_hook_execution_id("nope")
        .status(LifecycleEventStatus::InProgress)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_lifecycle_event_hook_execution_status_exception());
    let e = c
        .put_lifecycle_event_hook_execution_status()
        .deployment_id(&id)
        .lifecycle_event_hook_execution_id("nope")
        .status(LifecycleEventStatus::Succeeded)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_lifecycle_event_hook_execution_id_exception());
    let targets = c
        .list_deployment_targets()
        .deployment_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(targets.target_ids(), ["my-cluster:my-app-service"]);
    let failed = c
        .list_deployments()
        .include_only_statuses(DeploymentStatus::Failed)
        .send()
        .await
        .unwrap();
    assert_eq!(failed.deployments().len(), 2);
}

/// Every predefined ECS configuration and a custom linear one: the production weights at each
/// step boundary, to the millisecond of virtual time.
#[tokio::test]
async fn every_predefined_config_and_a_custom_linear_one_shift_on_schedule() {
    let s = server().await;
    s.codedeploy()
        .create_deployment_config()
        .deployment_config_name("Linear25Percent2Minutes")
        .compute_platform(ComputePlatform::Ecs)
        .traffic_routing_config(
            TrafficRoutingConfig::builder()
                .r#type(TrafficRoutingType::TimeBasedLinear)
                .time_based_linear(
                    cd::types::TimeBasedLinear::builder()
                        .linear_percentage(25)
                        .linear_interval(2)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let story = story(
        &s,
        GroupOpts {
            termination_wait: 0,
            ..GroupOpts::default()
        },
    )
    .await;
    // (config, replacement weights after each step, seconds between steps)
    let cases: &[(&str, &[i32], f64)] = &[
        ("CodeDeployDefault.ECSAllAtOnce", &[100], 0.0),
        (
            "CodeDeployDefault.ECSCanary10Percent5Minutes",
            &[10, 100],
            300.0,
        ),
        (
            "CodeDeployDefault.ECSCanary10Percent15Minutes",
            &[10, 100],
            900.0,
        ),
        (
            "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
            &[10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
            60.0,
        ),
        (
            "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
            &[10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
            180.0,
        ),
        ("Linear25Percent2Minutes", &[25, 50, 75, 100], 120.0),
    ];
    let tds = [story.v2.clone(), story.v1.clone()];
    for (k, (config, steps, interval)) in cases.iter().enumerate() {
        let td = tds[k % 2].clone();
        let id = s
            .codedeploy()
            .create_deployment()
            .application_name("my-app")
            .deployment_group_name("my-app-dg")
            .deployment_config_name(*config)
            .revision(revision(&appspec(&td, &[])))
            .send()
            .await
            .unwrap()
            .deployment_id()
            .unwrap()
            .to_owned();
        s.advance(161.0).await;
        for (n, w) in steps.iter().enumerate() {
            let t = target(&s, &id).await;
            let repl = t.task_sets_info()[1].traffic_weight();
            assert_eq!(repl, *w as f64, "{config} step {n}");
            if n + 1 < steps.len() {
                s.advance(interval - 0.001).await;
                assert_eq!(
                    target(&s, &id).await.task_sets_info()[1].traffic_weight(),
                    *w as f64,
                    "{config} before step {}",
                    n + 1
                );
                s.advance(0.001).await;
            }
        }
        assert_eq!(
            info(&s, &id).await.status(),
            Some(&DeploymentStatus::Succeeded),
            "{config}"
        );
        assert_eq!(info(&s, &id).await.deployment_config_name(), Some(*config));
        s.advance(400.0).await;
    }
}

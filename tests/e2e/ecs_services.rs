//! Issue 4: ECS services, tasks and task sets with the simulated scheduler, through the AWS
//! SDK for Rust under a manual clock — exact task state sequences, target registration and
//! draining, rolling updates, the circuit breaker, replacement of failing tasks, and AWS's
//! errors.

use std::collections::HashMap;

use aws_sdk_ecs as ecs;
use ecs::client::Waiters;
use ecs::types::{
    AwsVpcConfiguration, Compatibility, ContainerDefinition, DeploymentCircuitBreaker,
    DeploymentConfiguration, DeploymentController, DeploymentControllerType, DesiredStatus,
    LoadBalancer, NetworkConfiguration, NetworkMode, PortMapping, Scale, ScaleUnit,
};
use serde_json::json;

use crate::elbv2::{forward, listener, set_deregistration_delay, stack, Stack};
use crate::support::{server, TestServer};

pub fn container(image: &str, labels: &[(&str, &str)]) -> ContainerDefinition {
    let mut c = ContainerDefinition::builder()
        .name("app")
        .image(image)
        .essential(true)
        .port_mappings(PortMapping::builder().container_port(8080).build());
    for (k, v) in labels {
        c = c.docker_labels(*k, *v);
    }
    c.build()
}

/// Registers a FARGATE revision of `my-app-task` with these `cutover.*` labels; returns its ARN.
pub async fn task_def(s: &TestServer, image: &str, labels: &[(&str, &str)]) -> String {
    s.ecs()
        .register_task_definition()
        .family("my-app-task")
        .network_mode(NetworkMode::Awsvpc)
        .requires_compatibilities(Compatibility::Fargate)
        .cpu("256")
        .memory("512")
        .container_definitions(container(image, labels))
        .send()
        .await
        .unwrap()
        .task_definition()
        .unwrap()
        .task_definition_arn()
        .unwrap()
        .to_owned()
}

pub fn network() -> NetworkConfiguration {
    NetworkConfiguration::builder()
        .awsvpc_configuration(
            AwsVpcConfiguration::builder()
                .subnets("subnet-1")
                .subnets("subnet-2")
                .build()
                .unwrap(),
        )
        .build()
}

pub fn lb(tg: &str) -> LoadBalancer {
    LoadBalancer::builder()
        .target_group_arn(tg)
        .container_name("app")
        .container_port(8080)
        .build()
}

/// A cluster, an ALB with TG-A behind a listener on port 80 (TG-B spare), a task definition.
pub async fn world(s: &TestServer) -> (Stack, String) {
    s.ecs()
        .create_cluster()
        .cluster_name("my-cluster")
        .send()
        .await
        .unwrap();
    let st = stack(s).await;
    listener(s, &st.lb, 80, forward(&st.tg_a)).await;
    let td = task_def(s, "my-app:v1", &[]).await;
    (st, td)
}

async fn service(s: &TestServer, name: &str) -> ecs::types::Service {
    s.ecs()
        .describe_services()
        .cluster("my-cluster")
        .services(name)
        .send()
        .await
        .unwrap()
        .services()[0]
        .clone()
}

/// lastStatus of every task of the cluster, by task ARN (stopped ones included).
async fn task_states(s: &TestServer) -> HashMap<String, String> {
    let c = s.ecs();
    let mut arns = c
        .list_tasks()
        .cluster("my-cluster")
        .send()
        .await
        .unwrap()
        .task_arns()
        .to_vec();
    arns.extend(
        c.list_tasks()
            .cluster("my-cluster")
            .desired_status(DesiredStatus::Stopped)
            .send()
            .await
            .unwrap()
            .task_arns()
            .to_vec(),
    );
    if arns.is_empty() {
        return HashMap::new();
    }
    let d = c
        .describe_tasks()
        .cluster("my-cluster")
        .set_tasks(Some(arns))
        .send()
        .await
        .unwrap();
    d.tasks()
        .iter()
        .map(|t| {
            (
                t.task_arn().unwrap().to_owned(),
                t.last_status().unwrap().to_owned(),
            )
        })
        .collect()
}

/// ARNs of the stopped tasks of a service of `my-cluster`.
async fn stopped_tasks(s: &TestServer, service_name: &str) -> Vec<String> {
    s.ecs()
        .list_tasks()
        .cluster("my-cluster")
        .service_name(service_name)
        .desired_status(DesiredStatus::Stopped)
        .send()
        .await
        .unwrap()
        .task_arns()
        .to_vec()
}

fn all(states: &HashMap<String, String>, want: &str) -> bool {
    !states.is_empty() && states.values().all(|v| v == want)
}

async fn tg_states(s: &TestServer, tg: &str) -> Vec<String> {
    let d = s
        .elbv2()
        .describe_target_health()
        .target_group_arn(tg)
        .send()
        .await
        .unwrap();
    d.target_health_descriptions()
        .iter()
        .map(|t| {
            t.target_health()
                .unwrap()
                .state()
                .unwrap()
                .as_str()
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_service_starts_registers_and_steadies_on_the_clock() {
    let s = server().await;
    let (st, td) = world(&s).await;
    let out = s
        .ecs()
        .create_service()
        .cluster("my-cluster")
        .service_name("my-app-service")
        .task_definition(&td)
        .desired_count(2)
        .load_balancers(lb(&st.tg_a))
        .network_configuration(network())
        .send()
        .await
        .unwrap();
    let svc = out.service().unwrap();
    assert_eq!(
        svc.service_arn(),
        Some("arn:aws:ecs:us-east-1:123456789012:service/my-cluster/my-app-service")
    );
    assert_eq!(svc.launch_type(), Some(&ecs::types::LaunchType::Fargate));
    assert_eq!(svc.deployments().len(), 1);
    assert_eq!(
        svc.deployments()[0].rollout_state(),
        Some(&ecs::types::DeploymentRolloutState::InProgress)
    );
    assert_eq!(svc.pending_count(), 2);
    assert!(all(&task_states(&s).await, "PROVISIONING"));

    // PROVISIONING 2 s, PENDING 9 s, ACTIVATING 1 s (registration), then RUNNING.
    s.advance(1.999).await;
    assert!(all(&task_states(&s).await, "PROVISIONING"));
    s.advance(0.001).await;
    assert!(all(&task_states(&s).await, "PENDING"));
    assert!(tg_states(&s, &st.tg_a).await.is_empty());
    s.advance(9.0).await;
    assert!(all(&task_states(&s).await, "ACTIVATING"));
    assert_eq!(tg_states(&s, &st.tg_a).await, ["initial", "initial"]);
    s.advance(1.0).await;
    assert!(all(&task_states(&s).await, "RUNNING"));
    let svc = service(&s, "my-app-service").await;
    assert_eq!((svc.running_count(), svc.pending_count()), (2, 0));
    assert_eq!(
        svc.deployments()[0].rollout_state(),
        Some(&ecs::types::DeploymentRolloutState::InProgress),
        "targets not healthy yet"
    );

    // Targets are healthy 150 s after registration; the rollout completes.
    s.advance(148.999).await;
    assert_eq!(tg_states(&s, &st.tg_a).await, ["initial", "initial"]);
    s.advance(0.001).await;
    assert_eq!(tg_states(&s, &st.tg_a).await, ["healthy", "healthy"]);
    let svc = service(&s, "my-app-service").await;
    assert_eq!(
        svc.deployments()[0].rollout_state(),
        Some(&ecs::types::DeploymentRolloutState::Completed)
    );
    let msgs: Vec<&str> = svc.events().iter().map(|e| e.message().unwrap()).collect();
    assert!(msgs[0].contains("has reached a steady state"), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("has started 2 tasks")));
    assert!(msgs
        .iter()
        .any(|m| m.contains("registered 1 targets in (target-group")));

    // Task details: awsvpc attachment with the private IP registered in the target group.
    let arns = s
        .ecs()
        .list_tasks()
        .cluster("my-cluster")
        .service_name("my-app-service")
        .send()
        .await
        .unwrap()
        .task_arns()
        .to_vec();
    assert_eq!(arns.len(), 2);
    let d = s
        .ecs()
        .describe_tasks()
        .cluster("my-cluster")
        .set_tasks(Some(arns))
        .send()
        .await
        .unwrap();
    let t = &d.tasks()[0];
    assert_eq!(t.group(), Some("service:my-app-service"));
    assert!(t.started_by().unwrap().starts_with("ecs-svc/"));
    let ip = t.containers()[0].network_interfaces()[0]
        .private_ipv4_address()
        .unwrap()
        .to_owned();
    let ids: Vec<String> = s
        .elbv2()
        .describe_target_health()
        .target_group_arn(&st.tg_a)
        .send()
        .await
        .unwrap()
        .target_health_descriptions()
        .iter()
        .map(|d| d.target().unwrap().id().unwrap().to_owned())
        .collect();
    assert!(ids.contains(&ip), "{ip} in {ids:?}");
    assert_eq!(t.attachments()[0].r#type(), Some("ElasticNetworkInterface"));
}

#[tokio::test]
async fn stopping_a_task_drains_its_target_for_the_delay_and_the_service_replaces_it() {
    let s = server().await;
    let (st, td) = world(&s).await;
    set_deregistration_delay(&s, &st.tg_a, 20).await;
    s.ecs()
        .create_service()
        .cluster("my-cluster")
        .service_name("web")
        .task_definition(&td)
        .desired_count(1)
        .load_balancers(lb(&st.tg_a))
        .network_configuration(network())
        .send()
        .await
        .unwrap();
    s.advance(200.0).await;
    let arn = s
        .ecs()
        .list_tasks()
        .cluster("my-cluster")
        .send()
        .await
        .unwrap()
        .task_arns()[0]
        .clone();
    let stopped = s
        .ecs()
        .stop_task()
        .cluster("my-cluster")
        .task(&arn)
        .reason("drill")
        .send()
        .await
        .unwrap();
    let t = stopped.task().unwrap();
    assert_eq!(t.desired_status(), Some("STOPPED"));
    assert_eq!(t.last_status(), Some("DEACTIVATING"));
    assert_eq!(
        t.stop_code(),
        Some(&ecs::types::TaskStopCode::UserInitiated)
    );
    assert_eq!(t.stopped_reason(), Some("drill"));
    // The replacement starts at once; the old target drains for exactly 20 s.
    assert_eq!(service(&s, "web").await.pending_count(), 1);
    let states = |s: &TestServer| {
        let c = s.ecs();
        let arn = arn.clone();
        async move {
            c.describe_tasks()
                .cluster("my-cluster")
                .tasks(arn)
                .send()
                .await
                .unwrap()
                .tasks()[0]
                .last_status()
                .unwrap()
                .to_owned()
        }
    };
    s.advance(19.999).await;
    assert_eq!(states(&s).await, "DEACTIVATING");
    assert!(tg_states(&s, &st.tg_a)
        .await
        .contains(&"draining".to_owned()));
    s.advance(0.001).await;
    assert_eq!(states(&s).await, "STOPPING");
    s.advance(2.0).await;
    assert_eq!(states(&s).await, "DEPROVISIONING");
    s.advance(2.0).await;
    assert_eq!(states(&s).await, "STOPPED");
    let d = s
        .ecs()
        .describe_tasks()
        .cluster("my-cluster")
        .tasks(&arn)
        .send()
        .await
        .unwrap();
    assert!(d.tasks()[0].stopped_at().is_some());
    assert_eq!(d.tasks()[0].containers()[0].exit_code(), Some(143));
    // Stopping it again changes nothing; unknown tasks are refused.
    let again = s
        .ecs()
        .stop_task()
        .cluster("my-cluster")
        .task(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(again.task().unwrap().last_status(), Some("STOPPED"));
    let e = s
        .ecs()
        .stop_task()
        .cluster("my-cluster")
        .task("0123456789abcdef0123456789abcdef")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_parameter_exception(), "{e:?}");
    let listed = s
        .ecs()
        .list_tasks()
        .cluster("my-cluster")
        .desired_status(DesiredStatus::Stopped)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.task_arns(), std::slice::from_ref(&arn));
}

#[tokio::test]
async fn declared_behaviour_exit_and_unhealthy_tasks_are_replaced() {
    let s = server().await;
    let (st, _) = world(&s).await;
    // A container that exits 30 s after RUNNING with code 3.
    let crashing = task_def(
        &s,
        "my-app:crash",
        &[
            ("cutover.startup-seconds", "4"),
            ("cutover.exit-after-seconds", "30"),
            ("cutover.exit-code", "3"),
        ],
    )
    .await;
    let out = s
        .ecs()
        .run_task()
        .cluster("my-cluster")
        .task_definition(&crashing)
        .network_configuration(network())
        .send()
        .await
        .unwrap();
    let arn = out.tasks()[0].task_arn().unwrap().to_owned();
    assert_eq!(out.tasks()[0].group(), Some("family:my-app-task"));
    s.advance(2.0 + 4.0).await;
    let t = s
        .ecs()
        .describe_tasks()
        .cluster("my-cluster")
        .tasks(&arn)
        .send()
        .await
        .unwrap()
        .tasks()[0]
        .clone();
    assert_eq!(
        t.last_status(),
        Some("RUNNING"),
        "startup-seconds 4 and no load balancer"
    );
    s.advance(30.0).await;
    let t = s
        .ecs()
        .describe_tasks()
        .cluster("my-cluster")
        .tasks(&arn)
        .send()
        .await
        .unwrap()
        .tasks()[0]
        .clone();
    assert_eq!(
        t.stop_code(),
        Some(&ecs::types::TaskStopCode::EssentialContainerExited)
    );
    assert_eq!(t.containers()[0].exit_code(), Some(3));
    assert_eq!(t.last_status(), Some("STOPPING"));

    // A service whose tasks fail their health checks: each is replaced after 2 failed checks.
    let sick = task_def(&s, "my-app:sick", &[("cutover.health", "unhealthy")]).await;
    s.ecs()
        .create_service()
        .cluster("my-cluster")
        .service_name("sick")
        .task_definition(&sick)
        .desired_count(1)
        .load_balancers(lb(&st.tg_a))
        .network_configuration(network())
        .send()
        .await
        .unwrap();
    s.advance(11.0).await; // registered (ACTIVATING)
    assert_eq!(tg_states(&s, &st.tg_a).await, ["initial"]);
    s.advance(59.999).await;
    assert_eq!(tg_states(&s, &st.tg_a).await, ["initial"]);
    s.advance(0.001).await;
    // Unhealthy after 2 x 30 s: the task is stopped and a replacement is provisioning.
    let svc = service(&s, "sick").await;
    assert_eq!(svc.pending_count(), 1);
    let stopped = stopped_tasks(&s, "sick").await;
    let t = s
        .ecs()
        .describe_tasks()
        .cluster("my-cluster")
        .set_tasks(Some(stopped))
        .send()
        .await
        .unwrap();
    assert!(
        t.tasks()[0]
            .stopped_reason()
            .unwrap()
            .starts_with("Task failed ELB health checks in (target-group "),
        "{:?}",
        t.tasks()[0].stopped_reason()
    );
    assert_eq!(
        t.tasks()[0].stop_code(),
        Some(&ecs::types::TaskStopCode::ServiceSchedulerInitiated)
    );
}

#[tokio::test]
async fn rolling_update_and_circuit_breaker_rollback() {
    let s = server().await;
    let (st, v1) = world(&s).await;
    set_deregistration_delay(&s, &st.tg_a, 0).await;
    s.ecs()
        .create_service()
        .cluster("my-cluster")
        .service_name("web")
        .task_definition(&v1)
        .desired_count(2)
        .load_balancers(lb(&st.tg_a))
        .network_configuration(network())
        .deployment_configuration(
            DeploymentConfiguration::builder()
                .maximum_percent(200)
                .minimum_healthy_percent(100)
                .deployment_circuit_breaker(
                    DeploymentCircuitBreaker::builder()
                        .enable(true)
                        .rollback(true)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    s.advance(200.0).await;
    let v2 = task_def(&s, "my-app:v2", &[]).await;
    let out = s
        .ecs()
        .update_service()
        .cluster("my-cluster")
        .service("web")
        .task_definition(&v2)
        .send()
        .await
        .unwrap();
    let deps = out.service().unwrap().deployments();
    assert_eq!(deps.len(), 2);
    assert_eq!(
        (deps[0].status(), deps[0].task_definition()),
        (Some("PRIMARY"), Some(v2.as_str()))
    );
    assert_eq!(deps[1].status(), Some("ACTIVE"));
    // minimumHealthyPercent 100: old tasks keep running until the new ones are healthy.
    s.advance(12.0).await;
    let svc = service(&s, "web").await;
    assert_eq!(svc.running_count(), 4);
    s.advance(150.0).await;
    s.advance(10.0).await;
    let svc = service(&s, "web").await;
    assert_eq!(svc.deployments().len(), 1, "{:?}", svc.deployments());
    assert_eq!(svc.task_definition(), Some(v2.as_str()));
    assert_eq!(
        svc.deployments()[0].rollout_state(),
        Some(&ecs::types::DeploymentRolloutState::Completed)
    );
    assert_eq!(svc.running_count(), 2);

    // v3 fails its health checks: the breaker trips after 3 failed tasks and rolls back to v2.
    let v3 = task_def(&s, "my-app:v3", &[("cutover.health", "unhealthy")]).await;
    s.ecs()
        .update_service()
        .cluster("my-cluster")
        .service("web")
        .task_definition(&v3)
        .send()
        .await
        .unwrap();
    let mut tripped = None;
    for _ in 0..600 {
        s.advance(2.0).await;
        let svc = service(&s, "web").await;
        if let Some(f) = svc
            .deployments()
            .iter()
            .find(|d| d.rollout_state() == Some(&ecs::types::DeploymentRolloutState::Failed))
        {
            tripped = Some((
                f.task_definition().unwrap().to_owned(),
                f.failed_tasks(),
                f.rollout_state_reason().unwrap().to_owned(),
            ));
            break;
        }
    }
    let (td, failed, reason) = tripped.expect("the circuit breaker trips");
    assert_eq!(td, v3);
    assert_eq!(failed, 3);
    assert!(reason.contains("circuit breaker"), "{reason}");
    let svc = service(&s, "web").await;
    assert_eq!(
        svc.deployments()[0].task_definition(),
        Some(v2.as_str()),
        "rolled back to the last completed revision"
    );
    s.advance(600.0).await;
    let svc = service(&s, "web").await;
    assert_eq!(svc.deployments().len(), 1);
    assert_eq!(
        svc.deployments()[0].rollout_state(),
        Some(&ecs::types::DeploymentRolloutState::Completed)
    );
    assert_eq!(svc.running_count(), 2);
    assert_eq!(svc.task_definition(), Some(v2.as_str()));
}

#[tokio::test]
async fn service_errors_are_aws_errors() {
    let s = server().await;
    let (st, td) = world(&s).await;
    let c = s.ecs();
    let base = || {
        c.create_service()
            .cluster("my-cluster")
            .task_definition(&td)
            .desired_count(1)
            .network_configuration(network())
    };
    let e = c
        .create_service()
        .cluster("nope")
        .service_name("x")
        .task_definition(&td)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_cluster_not_found_exception());
    let e = base()
        .service_name("x")
        .task_definition("ghost:7")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_client_exception(), "{e:?}");
    let e = c
        .create_service()
        .cluster("my-cluster")
        .service_name("x")
        .task_definition(&td)
        .desired_count(1)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_parameter_exception());
    assert_eq!(
        e.meta().message(),
        Some("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
    );
    let e = base()
        .service_name("x")
        .load_balancers(lb(&st.tg_b))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        e.meta()
            .message()
            .unwrap()
            .contains("does not have an associated load balancer"),
        "{e:?}"
    );
    let wrong_port = LoadBalancer::builder()
        .target_group_arn(&st.tg_a)
        .container_name("app")
        .container_port(9999)
        .build();
    let e = base()
        .service_name("x")
        .load_balancers(wrong_port)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        e.meta().message(),
        Some("The container app did not have a container port 9999 defined.")
    );
    base().service_name("x").send().await.unwrap();
    let e = base()
        .service_name("x")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        e.meta().message(),
        Some("Creation of service was not idempotent.")
    );
    let e = c
        .update_service()
        .cluster("my-cluster")
        .service("ghost")
        .desired_count(2)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_service_not_found_exception());
    let e = c
        .delete_service()
        .cluster("my-cluster")
        .service("x")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        e.meta().message(),
        Some("The service cannot be stopped while it is scaled above 0.")
    );
    let e = c
        .list_tasks()
        .cluster("my-cluster")
        .service_name("ghost")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_service_not_found_exception());
    let d = c
        .describe_services()
        .cluster("my-cluster")
        .services("x")
        .services("ghost")
        .send()
        .await
        .unwrap();
    assert_eq!(d.services().len(), 1);
    assert_eq!(d.failures()[0].reason(), Some("MISSING"));
    assert_eq!(
        d.failures()[0].arn(),
        Some("arn:aws:ecs:us-east-1:123456789012:service/my-cluster/ghost")
    );
    let listed = c
        .list_services()
        .cluster("my-cluster")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.service_arns().len(), 1);

    // Delete with force: DRAINING, then INACTIVE once its tasks stopped; no longer listed.
    let del = c
        .delete_service()
        .cluster("my-cluster")
        .service("x")
        .force(true)
        .send()
        .await
        .unwrap();
    assert_eq!(del.service().unwrap().status(), Some("DRAINING"));
    assert!(c
        .list_services()
        .cluster("my-cluster")
        .send()
        .await
        .unwrap()
        .service_arns()
        .is_empty());
    s.advance(30.0).await;
    assert_eq!(service(&s, "x").await.status(), Some("INACTIVE"));
    let e = c
        .update_service()
        .cluster("my-cluster")
        .service("x")
        .desired_count(1)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_service_not_active_exception());
}

#[tokio::test]
async fn code_deploy_services_own_one_primary_task_set() {
    let s = server().await;
    let (st, td) = world(&s).await;
    let out = s
        .ecs()
        .create_service()
        .cluster("my-cluster")
        .service_name("my-app-service")
        .task_definition(&td)
        .desired_count(2)
        .deployment_controller(
            DeploymentController::builder()
                .r#type(DeploymentControllerType::CodeDeploy)
                .build()
                .unwrap(),
        )
        .load_balancers(lb(&st.tg_a))
        .network_configuration(network())
        .send()
        .await
        .unwrap();
    let svc = out.service().unwrap();
    assert!(svc.deployments().is_empty());
    assert_eq!(svc.task_sets().len(), 1);
    let ts = &svc.task_sets()[0];
    assert_eq!(ts.status(), Some("PRIMARY"));
    assert_eq!(ts.scale().unwrap().value(), 100.0);
    assert_eq!(ts.computed_desired_count(), 2);
    assert_eq!(
        ts.stability_status(),
        Some(&ecs::types::StabilityStatus::Stabilizing)
    );
    s.advance(200.0).await;
    let svc = service(&s, "my-app-service").await;
    assert_eq!(svc.running_count(), 2);
    assert_eq!(
        svc.task_sets()[0].stability_status(),
        Some(&ecs::types::StabilityStatus::SteadyState)
    );
    assert_eq!(
        svc.task_definition(),
        Some(td.as_str()),
        "mirrors the primary task set"
    );
    let d = s
        .ecs()
        .describe_task_sets()
        .cluster("my-cluster")
        .service("my-app-service")
        .send()
        .await
        .unwrap();
    assert_eq!(d.task_sets()[0].running_count(), 2);

    // AWS refuses task definition changes outside CodeDeploy, and task-set calls from clients.
    let v2 = task_def(&s, "my-app:v2", &[]).await;
    let e = s
        .ecs()
        .update_service()
        .cluster("my-cluster")
        .service("my-app-service")
        .task_definition(&v2)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_parameter_exception());
    assert!(e.meta().message().unwrap().starts_with(
        "Unable to update task definition on services with a CODE_DEPLOY deployment controller."
    ));
    let e = s
        .ecs()
        .create_task_set()
        .cluster("my-cluster")
        .service("my-app-service")
        .task_definition(&v2)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_parameter_exception());
    // desiredCount may change: the task set follows.
    s.ecs()
        .update_service()
        .cluster("my-cluster")
        .service("my-app-service")
        .desired_count(3)
        .send()
        .await
        .unwrap();
    assert_eq!(
        service(&s, "my-app-service").await.task_sets()[0].computed_desired_count(),
        3
    );

    // ServicesStable never succeeds for CODE_DEPLOY services (empty deployments), as on AWS.
    let r = s
        .ecs()
        .wait_until_services_stable()
        .cluster("my-cluster")
        .services("my-app-service")
        .wait(std::time::Duration::from_millis(300))
        .await;
    assert!(r.is_err(), "the waiter must not succeed");
}

#[tokio::test]
async fn external_services_use_the_task_set_api() {
    let s = server().await;
    let (st, td) = world(&s).await;
    let c = s.ecs();
    c.create_service()
        .cluster("my-cluster")
        .service_name("ext")
        .desired_count(4)
        .deployment_controller(
            DeploymentController::builder()
                .r#type(DeploymentControllerType::External)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let blue = c
        .create_task_set()
        .cluster("my-cluster")
        .service("ext")
        .task_definition(&td)
        .external_id("blue")
        .load_balancers(lb(&st.tg_a))
        .network_configuration(network())
        .scale(
            Scale::builder()
                .value(50.0)
                .unit(ScaleUnit::Percent)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let blue = blue.task_set().unwrap();
    assert_eq!(
        blue.status(),
        Some("PRIMARY"),
        "the first task set is primary"
    );
    assert_eq!(blue.computed_desired_count(), 2);
    assert_eq!(blue.pending_count(), 2);
    let blue_id = blue.id().unwrap().to_owned();
    let green = c
        .create_task_set()
        .cluster("my-cluster")
        .service("ext")
        .task_definition(&td)
        .network_configuration(network())
        .send()
        .await
        .unwrap();
    let green_id = green.task_set().unwrap().id().unwrap().to_owned();
    assert_eq!(green.task_set().unwrap().status(), Some("ACTIVE"));
    let up = c
        .update_task_set()
        .cluster("my-cluster")
        .service("ext")
        .task_set(&green_id)
        .scale(
            Scale::builder()
                .value(25.0)
                .unit(ScaleUnit::Percent)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(up.task_set().unwrap().computed_desired_count(), 1);
    let p = c
        .update_service_primary_task_set()
        .cluster("my-cluster")
        .service("ext")
        .primary_task_set(&green_id)
        .send()
        .await
        .unwrap();
    assert_eq!(p.task_set().unwrap().status(), Some("PRIMARY"));
    let d = c
        .describe_task_sets()
        .cluster("my-cluster")
        .service("ext")
        .task_sets(&blue_id)
        .task_sets("ecs-svc/0000000000000000000")
        .send()
        .await
        .unwrap();
    assert_eq!(d.task_sets()[0].status(), Some("ACTIVE"));
    assert_eq!(d.failures()[0].reason(), Some("MISSING"));
    let e = c
        .delete_task_set()
        .cluster("my-cluster")
        .service("ext")
        .task_set(&blue_id)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        e.is_invalid_parameter_exception(),
        "scaled above 0 without force"
    );
    let del = c
        .delete_task_set()
        .cluster("my-cluster")
        .service("ext")
        .task_set(&blue_id)
        .force(true)
        .send()
        .await
        .unwrap();
    assert_eq!(del.task_set().unwrap().status(), Some("DRAINING"));
    s.advance(400.0).await;
    let d = c
        .describe_task_sets()
        .cluster("my-cluster")
        .service("ext")
        .send()
        .await
        .unwrap();
    assert_eq!(d.task_sets().len(), 1, "the drained set is gone");
    let e = c
        .update_task_set()
        .cluster("my-cluster")
        .service("ext")
        .task_set(&blue_id)
        .scale(Scale::builder().value(1.0).unit(ScaleUnit::Percent).build())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_task_set_not_found_exception());
    let _ = json!({});
}

#[tokio::test]
async fn cluster_counts_delete_guards_and_service_tags() {
    let s = server().await;
    let (st, td) = world(&s).await;
    let c = s.ecs();
    let svc = c
        .create_service()
        .cluster("my-cluster")
        .service_name("web")
        .task_definition(&td)
        .desired_count(2)
        .load_balancers(lb(&st.tg_a))
        .network_configuration(network())
        .tags(ecs::types::Tag::builder().key("team").value("blue").build())
        .send()
        .await
        .unwrap();
    let arn = svc.service().unwrap().service_arn().unwrap().to_owned();
    s.advance(12.0).await;
    let d = c
        .describe_clusters()
        .clusters("my-cluster")
        .send()
        .await
        .unwrap();
    let cl = &d.clusters()[0];
    assert_eq!(
        (
            cl.running_tasks_count(),
            cl.pending_tasks_count(),
            cl.active_services_count()
        ),
        (2, 0, 1)
    );
    let e = c
        .delete_cluster()
        .cluster("my-cluster")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_cluster_contains_services_exception(), "{e:?}");

    // Tags on services, tasks and task sets.
    c.tag_resource()
        .resource_arn(&arn)
        .tags(ecs::types::Tag::builder().key("env").value("test").build())
        .send()
        .await
        .unwrap();
    let tags = c
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .unwrap();
    let mut kv: Vec<(String, String)> = tags
        .tags()
        .iter()
        .map(|t| (t.key().unwrap().to_owned(), t.value().unwrap().to_owned()))
        .collect();
    kv.sort();
    assert_eq!(
        kv,
        [
            ("env".to_owned(), "test".to_owned()),
            ("team".to_owned(), "blue".to_owned())
        ]
    );
    let task = c
        .list_tasks()
        .cluster("my-cluster")
        .send()
        .await
        .unwrap()
        .task_arns()[0]
        .clone();
    c.tag_resource()
        .resource_arn(&task)
        .tags(ecs::types::Tag::builder().key("k").value("v").build())
        .send()
        .await
        .unwrap();
    let d = c
        .describe_tasks()
        .cluster("my-cluster")
        .tasks(&task)
        .include(ecs::types::TaskField::Tags)
        .send()
        .await
        .unwrap();
    assert_eq!(d.tasks()[0].tags()[0].key(), Some("k"));
    c.untag_resource()
        .resource_arn(&arn)
        .tag_keys("team")
        .send()
        .await
        .unwrap();
    let d = c
        .describe_services()
        .cluster("my-cluster")
        .services("web")
        .include(ecs::types::ServiceField::Tags)
        .send()
        .await
        .unwrap();
    assert_eq!(d.services()[0].tags().len(), 1);
    let e = c
        .list_tags_for_resource()
        .resource_arn(arn.replace("/web", "/ghost"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(!e.meta().code().unwrap_or("").is_empty());

    // Scaled to 0 and deleted, with its tasks stopped: the cluster can go.
    c.delete_service()
        .cluster("my-cluster")
        .service("web")
        .force(true)
        .send()
        .await
        .unwrap();
    s.advance(600.0).await;
    let del = c
        .delete_cluster()
        .cluster("my-cluster")
        .send()
        .await
        .unwrap();
    assert_eq!(del.cluster().unwrap().status(), Some("INACTIVE"));
}

#[tokio::test]
async fn unhealthy_tasks_are_kept_for_the_health_check_grace_period() {
    let s = server().await;
    let (st, _) = world(&s).await;
    let sick = task_def(&s, "my-app:sick", &[("cutover.health", "unhealthy")]).await;
    let created = s
        .ecs()
        .create_service()
        .cluster("my-cluster")
        .service_name("patient")
        .task_definition(&sick)
        .desired_count(1)
        .health_check_grace_period_seconds(120)
        .load_balancers(lb(&st.tg_a))
        .network_configuration(network())
        .send()
        .await
        .unwrap();
    assert_eq!(
        created
            .service()
            .unwrap()
            .health_check_grace_period_seconds(),
        Some(120)
    );
    // RUNNING at 12 s (registered at 11 s), unhealthy at 71 s: inside the grace period, so the
    // task is kept, failing, until 12 + 120 = 132 s.
    s.advance(71.0).await;
    assert_eq!(tg_states(&s, &st.tg_a).await, ["unhealthy"]);
    s.advance(60.999).await;
    let svc = service(&s, "patient").await;
    assert_eq!((svc.running_count(), svc.pending_count()), (1, 0));
    assert!(all(&task_states(&s).await, "RUNNING"));
    s.advance(0.001).await;
    let svc = service(&s, "patient").await;
    assert_eq!((svc.running_count(), svc.pending_count()), (0, 1));
    let stopped = stopped_tasks(&s, "patient").await;
    assert_eq!(stopped.len(), 1);

    // A longer grace period applies to the replacement (RUNNING at 144 s, unhealthy at 203 s);
    // it recovers before the period ends at 744 s and is kept.
    s.ecs()
        .update_service()
        .cluster("my-cluster")
        .service("patient")
        .health_check_grace_period_seconds(600)
        .send()
        .await
        .unwrap();
    assert_eq!(
        service(&s, "patient")
            .await
            .health_check_grace_period_seconds(),
        Some(600)
    );
    s.advance(71.0).await;
    let d = s
        .elbv2()
        .describe_target_health()
        .target_group_arn(&st.tg_a)
        .send()
        .await
        .unwrap();
    let replacement: Vec<_> = d
        .target_health_descriptions()
        .iter()
        .filter(|t| {
            t.target_health().unwrap().state()
                == Some(&aws_sdk_elasticloadbalancingv2::types::TargetHealthStateEnum::Unhealthy)
        })
        .map(|t| {
            let t = t.target().unwrap();
            (t.id().unwrap().to_owned(), t.port().unwrap())
        })
        .collect();
    assert_eq!(replacement.len(), 1, "{d:?}");
    let (code, v) = s
        .control(
            reqwest::Method::PUT,
            "/_cutover/elbv2/target-health",
            Some(json!({"targetGroupArn": st.tg_a, "id": replacement[0].0,
                   "port": replacement[0].1, "healthy": true})),
        )
        .await;
    assert_eq!(code, 200, "{v}");
    s.advance(600.0).await;
    assert_eq!(tg_states(&s, &st.tg_a).await, ["healthy"]);
    let svc = service(&s, "patient").await;
    assert_eq!((svc.running_count(), svc.pending_count()), (1, 0));
    let stopped = stopped_tasks(&s, "patient").await;
    assert_eq!(stopped.len(), 1, "the recovered task was kept");
}

fn tag_pairs(tags: &[ecs::types::Tag]) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| (t.key().unwrap().to_owned(), t.value().unwrap().to_owned()))
        .collect()
}

/// `ListTagsForResource` of an ECS resource, as (key, value) pairs.
async fn listed_tags(s: &TestServer, arn: &str) -> Vec<(String, String)> {
    let out = s
        .ecs()
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .unwrap();
    tag_pairs(out.tags())
}

#[tokio::test]
async fn service_and_run_task_tags_propagate_onto_tasks() {
    use ecs::types::{PropagateTags, Tag, TaskField};
    let s = server().await;
    let (st, td) = world(&s).await;
    let c = s.ecs();
    let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build();
    c.create_service()
        .cluster("my-cluster")
        .service_name("web")
        .task_definition(&td)
        .desired_count(1)
        .load_balancers(lb(&st.tg_a))
        .network_configuration(network())
        .tags(tag("team", "blue"))
        .propagate_tags(PropagateTags::Service)
        .enable_ecs_managed_tags(true)
        .send()
        .await
        .unwrap();
    let arns = c
        .list_tasks()
        .cluster("my-cluster")
        .service_name("web")
        .send()
        .await
        .unwrap()
        .task_arns()
        .to_vec();
    let d = c
        .describe_tasks()
        .cluster("my-cluster")
        .set_tasks(Some(arns.clone()))
        .include(TaskField::Tags)
        .send()
        .await
        .unwrap();
    let want = [
        ("team", "blue"),
        ("aws:ecs:clusterName", "my-cluster"),
        ("aws:ecs:serviceName", "web"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    assert_eq!(tag_pairs(d.tasks()[0].tags()), want);
    assert_eq!(listed_tags(&s, &arns[0]).await, want);

    // RunTask: the task definition's tags, overridden by the task's own on equal keys.
    let tagged = c
        .register_task_definition()
        .family("batch")
        .network_mode(NetworkMode::Awsvpc)
        .requires_compatibilities(Compatibility::Fargate)
        .cpu("256")
        .memory("512")
        .container_definitions(container("batch:1", &[]))
        .tags(tag("owner", "ops"))
        .tags(tag("tier", "td"))
        .send()
        .await
        .unwrap();
    let family = tagged.task_definition().unwrap().family().unwrap();
    let run = c
        .run_task()
        .cluster("my-cluster")
        .task_definition(family)
        .network_configuration(network())
        .propagate_tags(PropagateTags::TaskDefinition)
        .tags(tag("tier", "run"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed_tags(&s, run.tasks()[0].task_arn().unwrap()).await,
        [("owner", "ops"), ("tier", "run")].map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    // Without propagateTags nothing is copied.
    let plain = c
        .run_task()
        .cluster("my-cluster")
        .task_definition(family)
        .network_configuration(network())
        .send()
        .await
        .unwrap();
    let listed = listed_tags(&s, plain.tasks()[0].task_arn().unwrap()).await;
    assert!(listed.is_empty(), "{listed:?}");
    let err = c
        .run_task()
        .cluster("my-cluster")
        .task_definition(family)
        .network_configuration(network())
        .propagate_tags(PropagateTags::Service)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.as_service_error().and_then(|e| e.meta().code()),
        Some("InvalidParameterException")
    );
}

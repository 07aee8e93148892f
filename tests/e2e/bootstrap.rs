//! Issue 6: `serve --bootstrap FILE` builds the environment through the API's handlers; broken
//! files name the file, the resource and the reason, and no server starts.

use aws_sdk_codedeploy::types::DeploymentStatus;

use crate::deployments::{appspec, deploy, info, weights};
use crate::support::{cutover_binary, repo_root, server_with};

#[tokio::test]
async fn the_walkthrough_environment_is_ready_and_deployable() {
    let mut cfg = cutover::Config::for_tests();
    cfg.bootstrap = Some(repo_root().join("fixtures/walkthrough.yaml"));
    let s = server_with(cfg).await;
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
    assert_eq!(svc.running_count(), 2);
    assert_eq!(
        svc.task_sets()[0].stability_status(),
        Some(&aws_sdk_ecs::types::StabilityStatus::SteadyState)
    );
    let g = s
        .codedeploy()
        .get_deployment_group()
        .application_name("my-app")
        .deployment_group_name("my-app-dg")
        .send()
        .await
        .unwrap();
    let g = g.deployment_group_info().unwrap();
    assert_eq!(
        g.deployment_config_name(),
        Some("CodeDeployDefault.ECSLinear10PercentEvery1Minutes")
    );
    let lbs = s
        .elbv2()
        .describe_load_balancers()
        .names("my-alb")
        .send()
        .await
        .unwrap();
    let lb = lbs.load_balancers()[0]
        .load_balancer_arn()
        .unwrap()
        .to_owned();
    let ls = s
        .elbv2()
        .describe_listeners()
        .load_balancer_arn(&lb)
        .send()
        .await
        .unwrap();
    assert_eq!(ls.listeners().len(), 2);
    let prod = ls
        .listeners()
        .iter()
        .find(|l| l.port() == Some(80))
        .unwrap()
        .listener_arn()
        .unwrap()
        .to_owned();
    let health = s
        .elbv2()
        .describe_target_health()
        .target_group_arn(svc.load_balancers()[0].target_group_arn().unwrap())
        .send()
        .await
        .unwrap();
    assert!(health.target_health_descriptions().iter().all(|d| d
        .target_health()
        .unwrap()
        .state()
        .unwrap()
        .as_str()
        == "healthy"));

    // Deploy v2 on it.
    let v2: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("fixtures/task-definitions/my-app-task-v2.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(v2["family"], "my-app-task");
    let td = crate::ecs_services::task_def(&s, "my-app:v2", &[]).await;
    let id = deploy(&s, &appspec(&td, &[])).await;
    s.advance(161.0).await;
    assert_eq!(weights(&s, &prod).await[1].1, 10);
    s.advance(540.0 + 300.0).await;
    assert_eq!(
        info(&s, &id).await.status(),
        Some(&DeploymentStatus::Succeeded)
    );
}

#[tokio::test]
async fn broken_bootstrap_files_are_refused_with_the_reason() {
    for (file, resource, reason) in [
        (
            "fixtures/bootstrap/broken-reference.yaml",
            "listener my-alb:80",
            "unknown reference ${targetGroup:tg-typo}",
        ),
        (
            "fixtures/bootstrap/broken-service.yaml",
            "service web",
            "did not have a container port 9999 defined",
        ),
    ] {
        let mut cfg = cutover::Config::for_tests();
        cfg.bootstrap = Some(repo_root().join(file));
        let err = match cutover::start(cfg).await {
            Ok(_) => panic!("{file} was accepted"),
            Err(e) => e.to_string(),
        };
        assert!(
            err.contains(file.rsplit('/').next().unwrap())
                && err.contains(resource)
                && err.contains(reason),
            "{err}"
        );
    }
    // The binary exits before listening.
    let out = tokio::process::Command::new(cutover_binary())
        .args(["serve", "--listen", "127.0.0.1:0", "--bootstrap"])
        .arg(repo_root().join("fixtures/bootstrap/broken-service.yaml"))
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "printed a listening line");
    assert!(String::from_utf8_lossy(&out.stderr).contains("service web"));
}

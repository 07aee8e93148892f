//! The rehearsal story as an aws CLI script (`tests/cli/story.sh`) against a server on port 0:
//! every response the CLI receives is checked by shapecheck.

use crate::support::{repo_root, server, shapecheck_dir};

#[tokio::test]
async fn the_story_runs_with_the_aws_cli() {
    let s = server().await;
    let reports = std::env::temp_dir().join(format!("cutover-story-{}", std::process::id()));
    std::fs::create_dir_all(&reports).unwrap();
    let out = tokio::process::Command::new("bash")
        .arg(repo_root().join("tests/cli/story.sh"))
        .env("CUTOVER_URL", &s.url)
        .env("SHAPECHECK_DIR", shapecheck_dir())
        .env("SHAPECHECK_REPORTS", &reports)
        .output()
        .await
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "story failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("story: done"), "{stdout}");
    assert!(
        stdout.contains("story: production at 50 %: tg-a=50 tg-b=50"),
        "{stdout}"
    );
    let mut checked = 0;
    for entry in std::fs::read_dir(&reports).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        if text.is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        checked += v["summary"]["responses_checked"].as_u64().unwrap_or(0);
        assert!(
            v["violations"].as_array().is_some_and(|a| a.is_empty()),
            "shapecheck: {:#}",
            v["violations"]
        );
    }
    assert!(checked >= 30, "shapecheck saw {checked} responses");
    let _ = std::fs::remove_dir_all(&reports);
}

/// `aws ecs deploy` (the CLI customization that registers a task definition, fills the AppSpec,
/// creates the CodeDeploy deployment and waits for it) against the walkthrough environment in
/// scaled real time. Its CodeDeploy client ignores `--endpoint-url`, so `AWS_ENDPOINT_URL` is
/// set too, as the README says.
#[tokio::test]
async fn aws_ecs_deploy_runs_a_blue_green_deployment() {
    let mut cfg = cutover::Config::for_tests();
    cfg.bootstrap = Some(repo_root().join("fixtures/walkthrough.yaml"));
    cfg.clock = cutover::ClockArg::Real;
    cfg.time_scale = 200.0;
    let s = crate::support::server_with(cfg).await;
    let td = repo_root().join("fixtures/task-definitions/my-app-task-v2.json");
    let appspec = repo_root().join("fixtures/codedeploy/appspec-ecs-deploy.yaml");
    let out = crate::support::aws_cli(
        &s.url,
        &[
            "ecs",
            "deploy",
            "--service",
            "my-app-service",
            "--cluster",
            "my-cluster",
            "--task-definition",
            td.to_str().unwrap(),
            "--codedeploy-appspec",
            appspec.to_str().unwrap(),
            "--codedeploy-application",
            "my-app",
            "--codedeploy-deployment-group",
            "my-app-dg",
        ],
        &[("AWS_ENDPOINT_URL", s.url.as_str())],
    )
    .await;
    assert_eq!(
        out.code, 0,
        "stdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
    assert!(out.stdout.contains("Successfully deployed arn:aws:ecs:us-east-1:123456789012:task-definition/my-app-task:2"), "{}", out.stdout);
    out.assert_clean();
    let svc = s
        .ecs()
        .describe_services()
        .cluster("my-cluster")
        .services("my-app-service")
        .send()
        .await
        .unwrap();
    assert_eq!(
        svc.services()[0].task_definition(),
        Some("arn:aws:ecs:us-east-1:123456789012:task-definition/my-app-task:2")
    );
}

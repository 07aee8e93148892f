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

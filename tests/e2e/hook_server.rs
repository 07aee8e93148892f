//! A lifecycle hook implementation for tests: an HTTP server that receives the Lambda event
//! CodeDeploy sends and, per function, answers directly, calls back
//! `PutLifecycleEventHookExecutionStatus` with the AWS SDK, fails, or never answers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Answer the POST with `{"status": "Succeeded"}`.
    AnswerSucceeded,
    /// Answer the POST with `{"status": "Failed"}`.
    AnswerFailed,
    /// Answer 200 `{}` and report Succeeded through PutLifecycleEventHookExecutionStatus.
    CallbackSucceeded,
    /// Answer 200 `{}` and report Failed through PutLifecycleEventHookExecutionStatus.
    CallbackFailed,
    /// Answer HTTP 500.
    Error500,
    /// Answer 200 `{}` and never report (the hook times out).
    Silent,
}

#[derive(Clone)]
struct Shared {
    behaviours: Arc<HashMap<String, Behaviour>>,
    calls: Arc<Mutex<Vec<(String, Value)>>>,
    codedeploy: aws_sdk_codedeploy::Client,
}

pub struct HookServer {
    pub base: String,
    calls: Arc<Mutex<Vec<(String, Value)>>>,
}

impl HookServer {
    /// Starts the hook server; `codedeploy` is the client hooks call back with.
    pub async fn start(
        codedeploy: aws_sdk_codedeploy::Client,
        behaviours: &[(&str, Behaviour)],
    ) -> HookServer {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let shared = Shared {
            behaviours: Arc::new(
                behaviours
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), *v))
                    .collect(),
            ),
            calls: calls.clone(),
            codedeploy,
        };
        let app = Router::new()
            .route("/{function}", post(handle))
            .with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        HookServer { base, calls }
    }

    pub fn url(&self, function: &str) -> String {
        format!("{}/{function}", self.base)
    }

    /// (function, event payload) of every invocation so far.
    pub fn calls(&self) -> Vec<(String, Value)> {
        self.calls.lock().unwrap().clone()
    }
}

async fn handle(
    State(s): State<Shared>,
    Path(function): Path<String>,
    Json(event): Json<Value>,
) -> (axum::http::StatusCode, Json<Value>) {
    s.calls
        .lock()
        .unwrap()
        .push((function.clone(), event.clone()));
    let b = s
        .behaviours
        .get(&function)
        .copied()
        .unwrap_or(Behaviour::AnswerSucceeded);
    let callback = |status: &'static str| {
        let c = s.codedeploy.clone();
        let id = event["DeploymentId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let exec = event["LifecycleEventHookExecutionId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        tokio::spawn(async move {
            c.put_lifecycle_event_hook_execution_status()
                .deployment_id(id)
                .lifecycle_event_hook_execution_id(exec)
                .status(aws_sdk_codedeploy::types::LifecycleEventStatus::from(
                    status,
                ))
                .send()
                .await
                .expect("the callback is accepted");
        });
    };
    match b {
        Behaviour::AnswerSucceeded => (
            axum::http::StatusCode::OK,
            Json(json!({"status": "Succeeded"})),
        ),
        Behaviour::AnswerFailed => (
            axum::http::StatusCode::OK,
            Json(json!({"status": "Failed"})),
        ),
        Behaviour::CallbackSucceeded => {
            callback("Succeeded");
            (axum::http::StatusCode::OK, Json(json!({})))
        }
        Behaviour::CallbackFailed => {
            callback("Failed");
            (axum::http::StatusCode::OK, Json(json!({})))
        }
        Behaviour::Error500 => (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": "boom"})),
        ),
        Behaviour::Silent => (axum::http::StatusCode::OK, Json(json!({}))),
    }
}

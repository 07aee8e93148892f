//! Lifecycle hook invocation: a hook names a Lambda function; the emulator maps function names
//! to HTTP endpoints (`--hook NAME=URL`, `PUT /_cutover/hooks/NAME`) and POSTs the Lambda event
//! `{"DeploymentId", "LifecycleEventHookExecutionId"}` outside the state lock. The hook reports
//! back with `PutLifecycleEventHookExecutionStatus`, or answers the POST with
//! `{"status": "Succeeded" | "Failed"}`. A connection error or a non-2xx answer fails the event;
//! a function without an endpoint fails it too (unless `--unmapped-hooks succeed`).

use cutover_api::codedeploy::appspec::function_name;
use cutover_core::deploy::{engine, Diagnostics};
use cutover_core::{Effect, PartitionKey};
use serde_json::{json, Value};

use crate::state::AppState;

fn diag(code: &'static str, function: &str, message: String) -> Diagnostics {
    Diagnostics {
        error_code: code,
        script_name: function.to_owned(),
        message,
    }
}

fn report(
    state: &AppState,
    pk: &PartitionKey,
    deployment_id: &str,
    execution_id: &str,
    ok: bool,
    d: Option<Diagnostics>,
) {
    state.with_world(|w| {
        let mut s = w.scope(pk);
        // A late answer (the hook already timed out, or reported through the API) is ignored.
        let _ = engine::hook_result(&mut s, deployment_id, execution_id, ok, d);
    });
}

pub async fn invoke(state: AppState, effect: Effect) {
    let Effect::InvokeHook {
        pk,
        deployment_id,
        execution_id,
        function,
        event,
    } = effect
    else {
        return;
    };
    let name = function_name(&function).to_owned();
    // The hook's verdict: Some(Ok) succeeded, Some(Err(diagnostics)) failed, None: it will call
    // PutLifecycleEventHookExecutionStatus (or time out).
    let verdict: Option<Result<(), Diagnostics>> = match state.hook_url(&name) {
        None if state.config().unmapped_hooks_succeed => {
            tracing::warn!(%deployment_id, event, function = %name, "no endpoint for hook function; succeeding it (--unmapped-hooks succeed)");
            Some(Ok(()))
        }
        None => {
            tracing::warn!(%deployment_id, event, function = %name, "hook function has no endpoint; failing the lifecycle event");
            Some(Err(diag(
                "ScriptMissing",
                &name,
                format!(
                    "The Lambda function {name} has no HTTP endpoint registered with cutover. Register one with `cutover serve --hook {name}=http://HOST:PORT/PATH` or `PUT /_cutover/hooks/{name}` with {{\"url\": \"http://...\"}}."
                ),
            )))
        }
        Some(url) => {
            let payload = json!({"DeploymentId": deployment_id, "LifecycleEventHookExecutionId": execution_id});
            tracing::info!(%deployment_id, event, function = %name, %url, "invoking lifecycle hook");
            match state
                .http()
                .post(&url)
                .header("x-amz-invocation-type", "Event")
                .json(&payload)
                .send()
                .await
            {
                Err(e) => Some(Err(diag(
                    "UnknownError",
                    &name,
                    format!("The hook endpoint {url} of function {name} could not be reached: {e}"),
                ))),
                Ok(r) if !r.status().is_success() => Some(Err(diag(
                    "ScriptFailed",
                    &name,
                    format!(
                        "The hook endpoint {url} of function {name} answered HTTP {}.",
                        r.status().as_u16()
                    ),
                ))),
                // Shortcut for tests: the hook may answer with its result instead of calling back.
                Ok(r) => match r
                    .json::<Value>()
                    .await
                    .ok()
                    .as_ref()
                    .and_then(|b| b.get("status"))
                    .and_then(Value::as_str)
                {
                    Some("Succeeded") => Some(Ok(())),
                    Some("Failed") => Some(Err(diag(
                        "ScriptFailed",
                        &name,
                        format!("The hook function {name} answered Failed."),
                    ))),
                    _ => None,
                },
            }
        }
    };
    if let Some(v) = verdict {
        let (ok, d) = match v {
            Ok(()) => (true, None),
            Err(d) => (false, Some(d)),
        };
        report(&state, &pk, &deployment_id, &execution_id, ok, d);
    }
}

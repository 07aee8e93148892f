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
    let Some(url) = state.hook_url(&name) else {
        if state.config().unmapped_hooks_succeed {
            tracing::warn!(%deployment_id, event, function = %name, "no endpoint for hook function; succeeding it (--unmapped-hooks succeed)");
            report(&state, &pk, &deployment_id, &execution_id, true, None);
        } else {
            let msg = format!(
                "The Lambda function {name} has no HTTP endpoint registered with cutover. Register one with `cutover serve --hook {name}=http://HOST:PORT/PATH` or `PUT /_cutover/hooks/{name}` with {{\"url\": \"http://...\"}}."
            );
            tracing::warn!(%deployment_id, event, function = %name, "hook function has no endpoint; failing the lifecycle event");
            report(
                &state,
                &pk,
                &deployment_id,
                &execution_id,
                false,
                Some(diag("ScriptMissing", &name, msg)),
            );
        }
        return;
    };
    let payload =
        json!({"DeploymentId": deployment_id, "LifecycleEventHookExecutionId": execution_id});
    tracing::info!(%deployment_id, event, function = %name, %url, "invoking lifecycle hook");
    let resp = state
        .http()
        .post(&url)
        .header("x-amz-invocation-type", "Event")
        .json(&payload)
        .send()
        .await;
    match resp {
        Err(e) => {
            let msg =
                format!("The hook endpoint {url} of function {name} could not be reached: {e}");
            report(
                &state,
                &pk,
                &deployment_id,
                &execution_id,
                false,
                Some(diag("UnknownError", &name, msg)),
            );
        }
        Ok(r) if !r.status().is_success() => {
            let msg = format!(
                "The hook endpoint {url} of function {name} answered HTTP {}.",
                r.status().as_u16()
            );
            report(
                &state,
                &pk,
                &deployment_id,
                &execution_id,
                false,
                Some(diag("ScriptFailed", &name, msg)),
            );
        }
        Ok(r) => {
            // Shortcut for tests: the hook may answer with its result instead of calling back.
            let body: Option<Value> = r.json().await.ok();
            match body
                .as_ref()
                .and_then(|b| b.get("status"))
                .and_then(Value::as_str)
            {
                Some("Succeeded") => report(&state, &pk, &deployment_id, &execution_id, true, None),
                Some("Failed") => {
                    let msg = format!("The hook function {name} answered Failed.");
                    report(
                        &state,
                        &pk,
                        &deployment_id,
                        &execution_id,
                        false,
                        Some(diag("ScriptFailed", &name, msg)),
                    );
                }
                _ => {}
            }
        }
    }
}

//! The control API under `/_cutover/`: JSON in and out. Health, reset, and the virtual clock.
//! Errors are `{"error": code, "message": text}` with a 4xx status.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use cutover_core::ClockMode;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::state::AppState;

/// Longest single advance: 100 years of virtual time.
const MAX_ADVANCE_SECONDS: f64 = 100.0 * 365.0 * 86_400.0;

pub fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"error": code, "message": message.into()})),
    )
        .into_response()
}

fn parse_body<T: for<'de> Deserialize<'de>>(body: &Bytes) -> Result<T, Box<Response>> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            format!("The request body is not valid JSON for this call: {e}"),
        ))
    })
}

pub async fn health() -> Json<Value> {
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "services": ["ecs", "elbv2", "codedeploy"],
    }))
}

pub async fn reset(State(state): State<AppState>) -> Json<Value> {
    state.world().reset();
    state.wake_driver();
    Json(json!({"status": "reset"}))
}

fn clock_json(state: &AppState) -> Value {
    let w = state.world();
    json!({
        "now": w.clock.now().as_secs_f64(),
        "mode": w.clock.mode().as_str(),
        "scale": w.clock.scale(),
    })
}

pub async fn get_clock(State(state): State<AppState>) -> Json<Value> {
    Json(clock_json(&state))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetClock {
    mode: Option<String>,
    scale: Option<f64>,
}

pub async fn put_clock(State(state): State<AppState>, body: Bytes) -> Response {
    let req: SetClock = match parse_body(&body) {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    let mode = match req.mode.as_deref() {
        None => None,
        Some("manual") => Some(ClockMode::Manual),
        Some("real") => Some(ClockMode::Real),
        Some(other) => {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidRequest",
                format!("mode must be \"manual\" or \"real\", not {other:?}"),
            )
        }
    };
    if let Some(s) = req.scale {
        if !(s.is_finite() && s > 0.0) {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidRequest",
                format!("scale must be a positive number, not {s}"),
            );
        }
    }
    if mode.is_none() && req.scale.is_none() {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            "give \"mode\" (\"manual\" | \"real\"), \"scale\" (a positive number), or both",
        );
    }
    {
        let mut w = state.world();
        let mode = mode.unwrap_or(w.clock.mode());
        w.clock.set_mode(mode, req.scale);
    }
    state.wake_driver();
    Json(clock_json(&state)).into_response()
}

pub async fn advance(State(state): State<AppState>, body: Bytes) -> Response {
    let req: Value = match parse_body(&body) {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    let seconds = match req.get("seconds") {
        Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
        Some(other) => {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidRequest",
                format!("seconds must be a number, not {other}"),
            )
        }
        None => {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidRequest",
                "the body must be {\"seconds\": N}",
            )
        }
    };
    if !(seconds.is_finite() && (0.0..=MAX_ADVANCE_SECONDS).contains(&seconds)) {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            format!("seconds must be between 0 and {MAX_ADVANCE_SECONDS}, not {seconds}"),
        );
    }
    let fired_before;
    let fired_after;
    let effects = {
        let mut w = state.world();
        fired_before = w.fired;
        let effects = w.advance(Duration::from_secs_f64(seconds));
        fired_after = w.fired;
        state.publish(&mut w, &effects);
        effects
    };
    state.wake_driver();
    state.perform(effects);
    let mut v = clock_json(&state);
    v["fired"] = json!(fired_after - fired_before);
    Json(v).into_response()
}

pub async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "NotFound",
        "no such control endpoint; see the README's control API section",
    )
}

/// `PUT /_cutover/elbv2/target-health`: forces a target's simulated health-check result
/// (`"healthy": true|false`, or `null` to clear the override). The result takes effect through
/// the group's normal thresholds.
pub async fn put_target_health(State(state): State<AppState>, body: Bytes) -> Response {
    let req: Value = match parse_body(&body) {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    let bad = |m: String| error(StatusCode::BAD_REQUEST, "InvalidRequest", m);
    let Some(tg_arn) = req.get("targetGroupArn").and_then(Value::as_str) else {
        return bad("targetGroupArn (string) is required".into());
    };
    let Some(id) = req.get("id").and_then(Value::as_str) else {
        return bad("id (string) is required".into());
    };
    let forced = match req.get("healthy") {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::Null) => None,
        _ => return bad("healthy must be true, false or null (null clears the override)".into()),
    };
    let port = match req.get("port") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_i64().filter(|p| (1..=65_535).contains(p)) {
            Some(p) => Some(p as i32),
            None => {
                return bad(format!(
                    "port must be an integer between 1 and 65535, not {v}"
                ))
            }
        },
    };
    // arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID
    let parts: Vec<&str> = tg_arn.splitn(6, ':').collect();
    if parts.len() != 6
        || parts[2] != "elasticloadbalancing"
        || !parts[5].starts_with("targetgroup/")
    {
        return bad(format!("{tg_arn:?} is not a target group ARN"));
    }
    let pk = cutover_core::PartitionKey::new(parts[4], parts[3]);
    let view = state.with_world(|w| -> Result<Value, Box<Response>> {
        let now = w.now();
        let Some(tg) = w.partition(&pk).and_then(|p| p.elbv2.target_group_by_arn(tg_arn)) else {
            return Err(Box::new(error(StatusCode::NOT_FOUND, "TargetGroupNotFound", format!("no target group {tg_arn}"))));
        };
        let Some(port) = port.or(tg.port) else {
            return Err(Box::new(bad("port is required for a target group without a port".into())));
        };
        let mut scope = w.scope(&pk);
        if !cutover_core::elbv2::health::set_check_result(&mut scope, tg_arn, id, port, Some(forced), None) {
            return Err(Box::new(error(StatusCode::NOT_FOUND, "TargetNotRegistered", format!("target {id}:{port} is not registered in {tg_arn}"))));
        }
        let tg = scope.state.elbv2.target_group_by_arn(tg_arn).expect("exists");
        let t = tg.target(id, port).expect("registered");
        let v = cutover_core::elbv2::health::view(tg, t, now);
        Ok(json!({"targetGroupArn": tg_arn, "id": id, "port": port, "forced": forced, "state": v.state, "reason": v.reason}))
    });
    match view {
        Ok(v) => Json(v).into_response(),
        Err(resp) => *resp,
    }
}

/// `GET /_cutover/hooks`: the Lambda function → endpoint map.
pub async fn list_hooks(State(state): State<AppState>) -> Json<Value> {
    let hooks: serde_json::Map<String, Value> = state
        .hooks()
        .into_iter()
        .map(|(k, v)| (k, json!({"url": v})))
        .collect();
    Json(
        json!({"hooks": hooks, "unmappedHooks": if state.config().unmapped_hooks_succeed { "succeed" } else { "fail" }}),
    )
}

fn valid_function_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 64
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `PUT /_cutover/hooks/{name}` with `{"url": "http://..."}`.
pub async fn put_hook(
    State(state): State<AppState>,
    axum::extract::Path(name): axum::extract::Path<String>,
    body: Bytes,
) -> Response {
    if !valid_function_name(&name) {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            format!(
                "{name:?} is not a Lambda function name (letters, digits, - and _, at most 64)"
            ),
        );
    }
    let req: Value = match parse_body(&body) {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    let Some(url) = req.get("url").and_then(Value::as_str) else {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            "the body must be {\"url\": \"http://HOST:PORT/PATH\"}",
        );
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            format!("url must start with http:// or https://, not {url:?}"),
        );
    }
    state.set_hook(&name, Some(url.to_owned()));
    Json(json!({"name": name, "url": url})).into_response()
}

/// `DELETE /_cutover/hooks/{name}`.
pub async fn delete_hook(
    State(state): State<AppState>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Response {
    if state.set_hook(&name, None) {
        Json(json!({"name": name, "deleted": true})).into_response()
    } else {
        error(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("no hook endpoint registered for {name}"),
        )
    }
}

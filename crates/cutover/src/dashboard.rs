//! The dashboard: one self-contained page at `GET /_cutover/` (inline CSS and JS, an SVG chart,
//! no external requests), the event stream it listens to at `GET /_cutover/events` (Server-Sent
//! Events, one JSON object per state change), and the snapshot it (re)loads at
//! `GET /_cutover/state/deployments`.

use std::collections::BTreeMap;
use std::convert::Infallible;

use axum::extract::State;
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cutover_core::deploy::{Deployment, EventStatus};
use cutover_core::{DeploymentTimer, EventKey, PartitionKey, Scope, VTime, World};
use futures_util::Stream;
use serde_json::{json, Value};
use tokio::sync::broadcast::error::RecvError;

use crate::state::AppState;

const PAGE: &str = include_str!("dashboard.html");

/// `GET /_cutover/`: the page.
pub async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        PAGE,
    )
        .into_response()
}

/// `GET /_cutover/events`: every notice published from now on, as an SSE `message` whose data is
/// `{"seq", "kind", "time", "account", "region", "data"}` (and whose id is `seq`). A client that
/// falls too far behind gets `{"kind": "lagged", "missed": N}` and should reload the snapshot.
/// The stream ends when the server shuts down.
pub async fn events(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // Subscribed before the response starts: whoever has the headers sees every later notice.
    let rx = state.subscribe();
    let closing = state.closing();
    let hello = futures_util::stream::once(async { Ok(Event::default().comment("connected")) });
    let notices = futures_util::stream::unfold((rx, closing), |(mut rx, mut closing)| async move {
        if *closing.borrow() {
            return None;
        }
        let event = tokio::select! {
            r = rx.recv() => match r {
                Ok(v) => {
                    let seq = v.get("seq").and_then(Value::as_u64).unwrap_or(0);
                    Event::default().id(seq.to_string()).data(v.to_string())
                }
                Err(RecvError::Lagged(n)) => {
                    Event::default().data(json!({"kind": "lagged", "missed": n}).to_string())
                }
                Err(RecvError::Closed) => return None,
            },
            _ = closing.changed() => return None,
        };
        Some((Ok(event), (rx, closing)))
    });
    Sse::new(futures_util::StreamExt::chain(hello, notices)).keep_alive(KeepAlive::default())
}

/// `GET /_cutover/state/deployments`: every deployment of every partition (newest first), with
/// what the dashboard shows.
pub async fn deployments(State(state): State<AppState>) -> Json<Value> {
    let v = {
        let mut w = state.world();
        snapshot(&mut w)
    };
    Json(v)
}

fn secs(t: Option<VTime>) -> Value {
    t.map_or(Value::Null, |t| json!(t.as_secs_f64()))
}

/// The snapshot of every partition's deployments at the current instant.
pub fn snapshot(w: &mut World) -> Value {
    let now = w.now();
    let clock = json!({"now": now.as_secs_f64(), "mode": w.clock.mode().as_str(), "scale": w.clock.scale()});
    let mut pks: Vec<PartitionKey> = w.partitions().map(|(k, _)| k.clone()).collect();
    pks.sort();
    let mut out = Vec::new();
    for pk in &pks {
        let s = w.scope(pk);
        let ds = &s.state.deployments;
        for (_, _, id) in ds.order.iter().rev() {
            if let Some(d) = ds.deployments.get(id) {
                out.push(deployment_json(&s, d));
            }
        }
    }
    json!({"clock": clock, "deployments": out})
}

fn deployment_json(s: &Scope<'_>, d: &Deployment) -> Value {
    let now = s.now;
    let events: Vec<Value> = d
        .events
        .iter()
        .map(|e| {
            let end = match (e.status, e.end) {
                (_, Some(t)) => Some(t),
                (EventStatus::InProgress, None) => Some(now),
                _ => None,
            };
            let duration = match (e.start, end) {
                (Some(a), Some(b)) => json!((b.millis() - a.millis()) as f64 / 1000.0),
                _ => Value::Null,
            };
            json!({
                "name": e.name,
                "status": e.status.as_str(),
                "start": secs(e.start),
                "end": secs(e.end),
                "durationSeconds": duration,
                "diagnostics": e.diagnostics.as_ref().map(|x| json!({"errorCode": x.error_code, "message": x.message})),
            })
        })
        .collect();
    let hook = d.pending_hook.as_ref().map(|h| {
        let since = d
            .events
            .iter()
            .find(|e| e.name == h.event)
            .and_then(|e| e.start);
        json!({"lifecycleEvent": h.event, "function": h.function, "since": secs(since)})
    });
    let svc = s
        .state
        .ecs
        .services
        .get(&(d.group.cluster.clone(), d.group.service.clone()));
    let mut sets = Vec::new();
    for (role, label, set, weight) in [
        ("original", "Blue", &d.original, d.weights.0),
        ("replacement", "Green", &d.replacement, d.weights.1),
    ] {
        let Some((id, tg_arn)) = set else { continue };
        let tg = s.state.elbv2.target_group_by_arn(tg_arn);
        let mut health: BTreeMap<&'static str, u32> = BTreeMap::new();
        if let Some(tg) = tg {
            for t in tg.targets.values() {
                let v = cutover_core::elbv2::health::view(tg, t, now);
                *health.entry(v.state).or_default() += 1;
            }
        }
        let (status, task_definition, desired, running, pending) = match svc
            .and_then(|v| v.task_set(id).map(|t| (v, t)))
        {
            Some((v, t)) => {
                let (r, p) =
                    cutover_core::ecs::scheduler::task_set_counts(s, &v.cluster, &v.name, &t.id);
                (
                    t.status.as_str(),
                    Some(t.task_definition.clone()),
                    t.computed_desired_count(v.desired_count),
                    r,
                    p,
                )
            }
            None => ("DELETED", None, 0, 0, 0),
        };
        sets.push(json!({
            "role": role,
            "label": label,
            "id": id,
            "status": status,
            "taskDefinition": task_definition,
            "targetGroup": {"arn": tg_arn, "name": tg.map(|t| t.name.clone())},
            "weight": weight,
            "desiredCount": desired,
            "runningCount": running,
            "pendingCount": pending,
            "targetHealth": health,
        }));
    }
    let steps = d.schedule.steps();
    let next_step = s.queue.due_of(&EventKey::DeploymentTimer {
        pk: s.pk.clone(),
        id: d.id.clone(),
        timer: DeploymentTimer::TrafficStep,
    });
    let history: Vec<Value> = d
        .traffic_history
        .iter()
        .map(|(t, w)| json!([t.as_secs_f64(), w]))
        .collect();
    json!({
        "deploymentId": d.id,
        "account": s.pk.account,
        "region": s.pk.region,
        "application": d.application,
        "deploymentGroup": d.group_name,
        "deploymentConfig": d.config_name,
        "cluster": d.group.cluster,
        "service": d.group.service,
        "status": d.status.as_str(),
        "creator": d.creator,
        "createTime": d.create_time.as_secs_f64(),
        "startTime": secs(d.start_time),
        "completeTime": secs(d.complete_time),
        "error": d.error.as_ref().map(|(c, m)| json!({"code": c, "message": m})),
        "rollback": d.rollback_info.as_ref().map(|r| json!({
            "rollbackDeploymentId": r.rollback_deployment_id,
            "rollbackTriggeringDeploymentId": r.rollback_triggering_deployment_id,
            "message": r.rollback_message,
        })),
        "lifecycleEvents": events,
        "hookInProgress": hook,
        "taskSets": sets,
        "traffic": {
            "original": d.weights.0,
            "replacement": d.weights.1,
            "step": d.traffic_step,
            "steps": steps,
            "intervalSeconds": d.schedule.interval_seconds(),
            "nextStepAt": secs(next_step),
            "history": history,
        },
    })
}

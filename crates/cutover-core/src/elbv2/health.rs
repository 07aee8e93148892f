//! Targets and their simulated health, on the virtual clock (ELB user guide, "Health checks for
//! your target groups"): a registered target is `initial`; after `HealthyThresholdCount ×
//! HealthCheckIntervalSeconds` of passing checks it is `healthy`, after `UnhealthyThresholdCount ×
//! interval` of failing ones `unhealthy`; a deregistered target is `draining` for the group's
//! deregistration delay, then gone. A group no listener or rule uses reports `unused`; one with
//! health checks disabled reports `unavailable`.
//!
//! Whether a target passes its checks: a forced result (control API) wins, then the owner's
//! declared health (the ECS task), else it passes. Transitions are single keyed events, re-armed
//! whenever the result or the settings change, so cost does not grow with elapsed time.

use super::target_groups::TargetGroup;
use super::Elbv2State;
use crate::event::{Event, EventKey};
use crate::world::{PartitionKey, Queue, Scope};
use crate::VTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Initial,
    Healthy,
    Unhealthy,
    Draining,
}

#[derive(Debug, Clone)]
pub struct Target {
    pub id: String,
    pub port: i32,
    pub availability_zone: Option<String>,
    pub phase: Phase,
    /// When the current phase began.
    pub since: VTime,
    /// Forced check result (control API, for failure drills).
    pub forced: Option<bool>,
    /// The owner's declared health (the ECS task's simulated health).
    pub owner_healthy: Option<bool>,
}

impl Target {
    pub fn passing(&self) -> bool {
        self.forced.or(self.owner_healthy).unwrap_or(true)
    }
}

/// What `DescribeTargetHealth` reports for a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetHealthView {
    pub state: &'static str,
    pub reason: Option<&'static str>,
    pub description: Option<&'static str>,
}

pub const NOT_REGISTERED: TargetHealthView = TargetHealthView {
    state: "unused",
    reason: Some("Target.NotRegistered"),
    description: Some("Target is not registered to the target group"),
};

/// The reported health of `t` in `tg` at `now`.
pub fn view(tg: &TargetGroup, t: &Target, now: VTime) -> TargetHealthView {
    let v = |state, reason, description| TargetHealthView {
        state,
        reason,
        description,
    };
    match t.phase {
        Phase::Draining => v(
            "draining",
            Some("Target.DeregistrationInProgress"),
            Some("Target deregistration is in progress"),
        ),
        _ if !tg.in_use() => v(
            "unused",
            Some("Target.NotInUse"),
            Some("Target group is not configured to receive traffic from the load balancer"),
        ),
        _ if !tg.health_check.enabled => v(
            "unavailable",
            Some("Target.HealthCheckDisabled"),
            Some("Health checks disabled"),
        ),
        Phase::Initial => {
            let first_check = t.since.plus_secs(tg.health_check.interval_seconds as i64);
            if now < first_check {
                v(
                    "initial",
                    Some("Elb.RegistrationInProgress"),
                    Some("Target registration is in progress"),
                )
            } else {
                v(
                    "initial",
                    Some("Elb.InitialHealthChecking"),
                    Some("Initial health checks in progress"),
                )
            }
        }
        Phase::Healthy => v("healthy", None, None),
        Phase::Unhealthy => {
            if matches!(
                tg.health_check.protocol.as_deref(),
                Some("HTTP") | Some("HTTPS")
            ) {
                v(
                    "unhealthy",
                    Some("Target.ResponseCodeMismatch"),
                    Some("Health checks failed with these codes: [503]"),
                )
            } else {
                v(
                    "unhealthy",
                    Some("Target.FailedHealthChecks"),
                    Some("Health checks failed"),
                )
            }
        }
    }
}

fn health_key(pk: &PartitionKey, tg_arn: &str, id: &str, port: i32) -> EventKey {
    EventKey::TargetHealth {
        pk: pk.clone(),
        tg_arn: tg_arn.to_owned(),
        id: id.to_owned(),
        port,
    }
}

fn drain_key(pk: &PartitionKey, tg_arn: &str, id: &str, port: i32) -> EventKey {
    EventKey::TargetDrain {
        pk: pk.clone(),
        tg_arn: tg_arn.to_owned(),
        id: id.to_owned(),
        port,
    }
}

pub(crate) fn cancel_events(q: &mut Queue, pk: &PartitionKey, tg_arn: &str, id: &str, port: i32) {
    q.cancel(&health_key(pk, tg_arn, id, port));
    q.cancel(&drain_key(pk, tg_arn, id, port));
}

/// Schedules (or cancels) the next state change of `t` from its current check result.
fn rearm(q: &mut Queue, pk: &PartitionKey, tg: &TargetGroup, t: &Target, now: VTime) {
    let key = health_key(pk, &tg.arn, &t.id, t.port);
    q.cancel(&key);
    // Checks run whether or not a listener uses the group (an emulator choice: ECS and CodeDeploy
    // can then wait for a spare group's targets, e.g. the replacement task set during Install);
    // an unused group still *reports* its targets as `unused`.
    if t.phase == Phase::Draining || !tg.health_check.enabled {
        return;
    }
    let hc = &tg.health_check;
    let (target_phase, checks) = if t.passing() {
        (Phase::Healthy, hc.healthy_threshold)
    } else {
        (Phase::Unhealthy, hc.unhealthy_threshold)
    };
    if t.phase == target_phase {
        return;
    }
    let due = now.plus_secs(checks as i64 * hc.interval_seconds as i64);
    q.schedule_keyed(
        key,
        due,
        Event::TargetHealthChange {
            pk: pk.clone(),
            tg_arn: tg.arn.clone(),
            id: t.id.clone(),
            port: t.port,
            healthy: target_phase == Phase::Healthy,
        },
    );
}

/// Re-arms every target of a group; with `restart`, non-draining targets start over as
/// `initial` (the group just started receiving traffic, or checks were re-enabled).
pub(crate) fn rearm_all(
    q: &mut Queue,
    pk: &PartitionKey,
    tg: &mut TargetGroup,
    now: VTime,
    restart: bool,
) {
    let mut targets = std::mem::take(&mut tg.targets);
    for t in targets.values_mut() {
        if restart && t.phase != Phase::Draining {
            t.phase = Phase::Initial;
            t.since = now;
        }
        rearm(q, pk, tg, t, now);
    }
    tg.targets = targets;
}

/// Registers a target (a no-op for one already registered; a draining one starts over).
/// Returns false when the group does not exist.
pub fn register_target(
    s: &mut Scope<'_>,
    tg_arn: &str,
    id: &str,
    port: i32,
    availability_zone: Option<String>,
) -> bool {
    let now = s.now;
    let Some(tg) = s.state.elbv2.target_group_by_arn_mut(tg_arn) else {
        return false;
    };
    let key = (id.to_owned(), port);
    let fresh = match tg.targets.get(&key) {
        None => true,
        Some(t) => t.phase == Phase::Draining,
    };
    if !fresh {
        return true;
    }
    s.queue.cancel(&drain_key(s.pk, tg_arn, id, port));
    let prior = tg.targets.remove(&key);
    let t = Target {
        id: id.to_owned(),
        port,
        availability_zone,
        phase: Phase::Initial,
        since: now,
        forced: prior.as_ref().and_then(|p| p.forced),
        owner_healthy: prior.as_ref().and_then(|p| p.owner_healthy),
    };
    rearm(s.queue, s.pk, tg, &t, now);
    tg.targets.insert(key, t);
    true
}

/// Deregisters a target: it drains for the group's deregistration delay, then leaves.
/// Deregistering a target that is not registered (or already draining) changes nothing.
pub fn deregister_target(s: &mut Scope<'_>, tg_arn: &str, id: &str, port: i32) {
    let now = s.now;
    let Some(tg) = s.state.elbv2.target_group_by_arn_mut(tg_arn) else {
        return;
    };
    let delay = tg.deregistration_delay_seconds();
    let key = (id.to_owned(), port);
    let Some(t) = tg.targets.get_mut(&key) else {
        return;
    };
    if t.phase == Phase::Draining {
        return;
    }
    s.queue.cancel(&health_key(s.pk, tg_arn, id, port));
    if delay <= 0 {
        tg.targets.remove(&key);
        return;
    }
    t.phase = Phase::Draining;
    t.since = now;
    s.queue.schedule_keyed(
        drain_key(s.pk, tg_arn, id, port),
        now.plus_secs(delay),
        Event::TargetDrained {
            pk: s.pk.clone(),
            tg_arn: tg_arn.to_owned(),
            id: id.to_owned(),
            port,
        },
    );
}

/// Sets the forced check result (`None` clears it) and/or the owner's declared health.
/// Returns false when the target is not registered.
pub fn set_check_result(
    s: &mut Scope<'_>,
    tg_arn: &str,
    id: &str,
    port: i32,
    forced: Option<Option<bool>>,
    owner_healthy: Option<Option<bool>>,
) -> bool {
    let now = s.now;
    let Some(tg) = s.state.elbv2.target_group_by_arn_mut(tg_arn) else {
        return false;
    };
    let key = (id.to_owned(), port);
    let Some(mut t) = tg.targets.remove(&key) else {
        return false;
    };
    if let Some(f) = forced {
        t.forced = f;
    }
    if let Some(o) = owner_healthy {
        t.owner_healthy = o;
    }
    rearm(s.queue, s.pk, tg, &t, now);
    tg.targets.insert(key, t);
    true
}

/// A target's health-check threshold was reached; returns true when its state changed.
pub fn on_transition(
    st: &mut Elbv2State,
    at: VTime,
    tg_arn: &str,
    id: &str,
    port: i32,
    healthy: bool,
) -> bool {
    let Some(tg) = st.target_group_by_arn_mut(tg_arn) else {
        return false;
    };
    if let Some(t) = tg.targets.get_mut(&(id.to_owned(), port)) {
        if t.phase != Phase::Draining {
            t.phase = if healthy {
                Phase::Healthy
            } else {
                Phase::Unhealthy
            };
            t.since = at;
            return true;
        }
    }
    false
}

pub fn on_drained(st: &mut Elbv2State, tg_arn: &str, id: &str, port: i32) {
    if let Some(tg) = st.target_group_by_arn_mut(tg_arn) {
        let key = (id.to_owned(), port);
        if tg
            .targets
            .get(&key)
            .is_some_and(|t| t.phase == Phase::Draining)
        {
            tg.targets.remove(&key);
        }
    }
}

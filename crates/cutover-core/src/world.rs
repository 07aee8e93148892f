//! The world: every partition's state, the virtual clock and the event queue, behind one lock
//! held by the server. Operations borrow a [`Scope`] (one partition + the queue + `now`); the
//! driver calls [`World::fire_due`] / [`World::advance`] to run the simulation.

use std::collections::HashMap;
use std::time::Duration;

use cutover_sim::{Clock, EventQueue, VTime};

use crate::codedeploy::CodeDeployState;
use crate::deploy;
use crate::ecs;
use crate::ecs::EcsState;
use crate::elbv2::{self, Elbv2State};
use crate::event::{Effect, Event, EventKey};

/// Account and region: the unit of isolation. Nothing of one partition is visible from another.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartitionKey {
    pub account: String,
    pub region: String,
}

impl PartitionKey {
    pub fn new(account: impl Into<String>, region: impl Into<String>) -> Self {
        PartitionKey {
            account: account.into(),
            region: region.into(),
        }
    }
}

/// The state of one account in one region.
#[derive(Debug, Default)]
pub struct Partition {
    pub ecs: EcsState,
    pub elbv2: Elbv2State,
    pub codedeploy: CodeDeployState,
    pub deployments: crate::deploy::DeploymentsState,
}

/// Simulation settings the server configures.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long CodeDeploy waits for a lifecycle hook to report (AWS: one hour).
    pub hook_timeout_seconds: i64,
    /// How long the Install event waits for the replacement task set to become stable.
    pub install_timeout_seconds: i64,
    /// Whether to produce `Effect::Notice`s (the shell turns this on while an event stream is
    /// open, so an unwatched server does not build them).
    pub notices: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            hook_timeout_seconds: 3600,
            install_timeout_seconds: 3600,
            notices: false,
        }
    }
}

pub type Queue = EventQueue<EventKey, Event>;

#[derive(Debug)]
pub struct World {
    pub clock: Clock,
    pub queue: Queue,
    partitions: HashMap<PartitionKey, Partition>,
    /// Events fired since start (for the control API and tests).
    pub fired: u64,
    pub settings: Settings,
    /// Effects produced by operations and events, for the shell to perform.
    effects: Vec<Effect>,
}

/// What an operation works on: one partition, the queue to schedule into, and the current
/// virtual time.
pub struct Scope<'a> {
    pub pk: &'a PartitionKey,
    pub now: VTime,
    pub state: &'a mut Partition,
    pub queue: &'a mut Queue,
    pub effects: &'a mut Vec<Effect>,
    pub settings: &'a Settings,
}

impl<'a> Scope<'a> {
    pub fn account(&self) -> &str {
        &self.pk.account
    }

    pub fn region(&self) -> &str {
        &self.pk.region
    }
}

impl World {
    pub fn new(clock: Clock) -> Self {
        World {
            clock,
            queue: Queue::new(),
            partitions: HashMap::new(),
            fired: 0,
            settings: Settings::default(),
            effects: Vec::new(),
        }
    }

    pub fn now(&self) -> VTime {
        self.clock.now()
    }

    /// The scope of one partition at the current time (the partition is created on first use).
    pub fn scope<'a>(&'a mut self, pk: &'a PartitionKey) -> Scope<'a> {
        let now = self.clock.now();
        if !self.partitions.contains_key(pk) {
            self.partitions.insert(pk.clone(), Partition::default());
        }
        let state = self
            .partitions
            .get_mut(pk)
            .expect("partition was just inserted");
        Scope {
            pk,
            now,
            state,
            queue: &mut self.queue,
            effects: &mut self.effects,
            settings: &self.settings,
        }
    }

    /// Takes the effects produced since the last call.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// Read access to a partition, without creating it.
    pub fn partition(&self, pk: &PartitionKey) -> Option<&Partition> {
        self.partitions.get(pk)
    }

    /// Every partition, in no particular order.
    pub fn partitions(&self) -> impl Iterator<Item = (&PartitionKey, &Partition)> {
        self.partitions.iter()
    }

    pub fn partition_count(&self) -> usize {
        self.partitions.len()
    }

    /// Drops all state of all partitions and every pending event; the clock keeps its mode and
    /// time (virtual time never goes backwards).
    pub fn reset(&mut self) {
        self.partitions.clear();
        self.queue.clear();
    }

    /// Fires every event due at or before the clock's current time, each at its own due time.
    pub fn fire_due(&mut self) -> Vec<Effect> {
        let now = self.clock.now();
        self.fire_until(now)
    }

    /// Moves virtual time forward by `d`, firing every event that falls due on the way, in order,
    /// with the clock standing at each event's due time while it fires.
    pub fn advance(&mut self, d: Duration) -> Vec<Effect> {
        let target = self
            .clock
            .now()
            .plus_millis(d.as_millis().min(i64::MAX as u128) as i64);
        let effects = self.fire_until(target);
        self.clock.jump_to(target);
        effects
    }

    fn fire_until(&mut self, until: VTime) -> Vec<Effect> {
        while let Some((at, event)) = self.queue.pop_due(until) {
            self.clock.jump_to(at);
            self.fired += 1;
            self.fire(at, event);
        }
        self.take_effects()
    }

    fn fire(&mut self, at: VTime, event: Event) {
        let pk = event.partition().clone();
        // A reset drops partitions together with their events, so a missing partition only
        // means the event outlived nothing.
        let Some(p) = self.partitions.get_mut(&pk) else {
            return;
        };
        let mut s = Scope {
            pk: &pk,
            now: at,
            state: p,
            queue: &mut self.queue,
            effects: &mut self.effects,
            settings: &self.settings,
        };
        // The ECS service this event may change the replacement task set of (checked below).
        let touched: Option<(String, String)> = match &event {
            Event::TaskStep {
                cluster, task_id, ..
            }
            | Event::TaskExit {
                cluster, task_id, ..
            }
            | Event::TaskGraceOver {
                cluster, task_id, ..
            } => s
                .state
                .ecs
                .tasks
                .get(&(cluster.clone(), task_id.clone()))
                .and_then(|t| t.owner.service())
                .map(|svc| (cluster.clone(), svc.to_owned())),
            Event::TargetHealthChange {
                tg_arn, id, port, ..
            } => s
                .state
                .ecs
                .targets
                .get(&(tg_arn.clone(), id.clone(), *port))
                .and_then(|key| s.state.ecs.tasks.get(key))
                .and_then(|t| {
                    t.owner
                        .service()
                        .map(|svc| (t.cluster.clone(), svc.to_owned()))
                }),
            _ => None,
        };
        match event {
            Event::LoadBalancerActive { arn, .. } => {
                elbv2::on_load_balancer_active(&mut s.state.elbv2, at, &arn)
            }
            Event::TargetHealthChange {
                tg_arn,
                id,
                port,
                healthy,
                ..
            } => {
                if elbv2::health::on_transition(&mut s.state.elbv2, at, &tg_arn, &id, port, healthy)
                    && s.settings.notices
                {
                    let data = serde_json::json!({
                        "targetGroupArn": tg_arn, "id": id, "port": port,
                        "state": if healthy { "healthy" } else { "unhealthy" },
                    });
                    s.effects
                        .push(Effect::notice(s.pk, at, "targetHealth", data));
                }
                // ELBv2 knows nothing of ECS: the world tells the scheduler.
                ecs::scheduler::on_target_health(&mut s, &tg_arn, &id, port, healthy);
            }
            Event::TargetDrained {
                tg_arn, id, port, ..
            } => elbv2::health::on_drained(&mut s.state.elbv2, &tg_arn, &id, port),
            Event::TaskStep {
                cluster, task_id, ..
            } => ecs::scheduler::on_task_step(&mut s, &cluster, &task_id),
            Event::TaskExit {
                cluster, task_id, ..
            } => ecs::scheduler::on_task_exit(&mut s, &cluster, &task_id),
            Event::TaskPurge {
                cluster, task_id, ..
            } => ecs::scheduler::on_task_purge(&mut s, &cluster, &task_id),
            Event::TaskGraceOver {
                cluster, task_id, ..
            } => ecs::scheduler::on_grace_over(&mut s, &cluster, &task_id),
            Event::DeploymentStep { id, .. } => deploy::engine::run(&mut s, &id),
            Event::DeploymentTimer { id, timer, .. } => {
                deploy::engine::on_timer(&mut s, &id, timer)
            }
        }
        // Replacement task sets become stable through ECS and ELBv2 events.
        if let Some((cluster, service)) = touched {
            deploy::engine::check_install(&mut s, &cluster, &service);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cutover_sim::ClockMode;

    #[test]
    fn partitions_are_isolated_and_reset_drops_them() {
        let mut w = World::new(Clock::starting_at(VTime(0), ClockMode::Manual, 1.0));
        let a = PartitionKey::new("111111111111", "us-east-1");
        let b = PartitionKey::new("111111111111", "eu-west-1");
        w.scope(&a)
            .state
            .ecs
            .create_cluster("us-east-1", "1", "c1", vec![], vec![], VTime(0));
        assert!(w.partition(&a).unwrap().ecs.has_cluster("c1"));
        assert!(w.partition(&b).is_none());
        w.scope(&b);
        assert!(!w.partition(&b).unwrap().ecs.has_cluster("c1"));
        w.reset();
        assert_eq!(w.partition_count(), 0);
    }
}

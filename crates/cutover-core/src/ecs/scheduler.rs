//! The ECS scheduler: starts fake tasks, walks them through the task lifecycle on the virtual
//! clock, registers them in (and drains them from) their target groups, replaces tasks that
//! fail, and converges services and task sets on their desired counts — rolling updates with
//! `minimumHealthyPercent` / `maximumPercent` and the deployment circuit breaker for the ECS
//! controller (ECS developer guide, "Rolling update", "Deployment circuit breaker").
//! Convergence (rolling updates, task sets, the circuit breaker) is in [`super::reconcile`].

use cutover_sim::VTime;
use serde_json::Value;

use super::services::LoadBalancerRef;
use super::tasks::{
    self as t, Behaviour, ContainerState, Registration, Task, TaskOwner, TaskStatus,
};
use super::Tag;
use crate::elbv2::{self, Phase};
use crate::event::{Effect, Event, EventKey};
use crate::world::{PartitionKey, Scope};

/// Sets a task's last status and publishes the change (a `task` notice for live views).
fn set_status(
    effects: Option<&mut Vec<Effect>>,
    pk: &PartitionKey,
    now: crate::VTime,
    task: &mut Task,
    status: TaskStatus,
) {
    if task.last_status == status {
        return;
    }
    task.set_status(status);
    // Notices are built only while someone watches the event stream.
    if let Some(effects) = effects {
        effects.push(Effect::notice(pk, now, "task", task_notice(pk, task)));
    }
}

fn task_notice(pk: &PartitionKey, task: &Task) -> Value {
    let (service, task_set) = match &task.owner {
        TaskOwner::TaskSet {
            service,
            task_set_id,
        } => (Some(service.as_str()), Some(task_set_id.as_str())),
        TaskOwner::Deployment { service, .. } => (Some(service.as_str()), None),
        TaskOwner::Standalone => (None, None),
    };
    serde_json::json!({
        "cluster": task.cluster,
        "taskArn": task.arn(&pk.region, &pk.account),
        "taskDefinitionArn": task.task_definition_arn,
        "service": service,
        "taskSetId": task_set,
        "lastStatus": task.last_status.as_str(),
        "desiredStatus": task.desired_status.as_str(),
    })
}

fn step_key(s: &Scope<'_>, id: &str) -> EventKey {
    EventKey::TaskStep {
        pk: s.pk.clone(),
        task_id: id.to_owned(),
    }
}

fn exit_key(s: &Scope<'_>, id: &str) -> EventKey {
    EventKey::TaskExit {
        pk: s.pk.clone(),
        task_id: id.to_owned(),
    }
}

fn grace_key(s: &Scope<'_>, id: &str) -> EventKey {
    EventKey::TaskGrace {
        pk: s.pk.clone(),
        task_id: id.to_owned(),
    }
}

fn schedule_step(s: &mut Scope<'_>, cluster: &str, id: &str, after_secs: i64) {
    let key = step_key(s, id);
    let at = s.now.plus_secs(after_secs.max(0));
    s.queue.schedule_keyed(
        key,
        at,
        Event::TaskStep {
            pk: s.pk.clone(),
            cluster: cluster.to_owned(),
            task_id: id.to_owned(),
        },
    );
}

/// What a new task is made of.
pub struct TaskSpec {
    pub cluster: String,
    pub task_definition: (String, u32),
    pub owner: TaskOwner,
    pub group: String,
    pub started_by: Option<String>,
    pub launch_type: Option<String>,
    pub platform_version: Option<String>,
    pub network_configuration: Option<Value>,
    pub load_balancers: Vec<LoadBalancerRef>,
    pub tags: Vec<Tag>,
    /// `propagateTags`: `SERVICE` copies the owning service's tags onto the task,
    /// `TASK_DEFINITION` the task definition's; the task's own `tags` win on equal keys.
    pub propagate_tags: Option<String>,
    /// `enableECSManagedTags`: the task is tagged `aws:ecs:clusterName` (and
    /// `aws:ecs:serviceName` when a service starts it).
    pub ecs_managed_tags: bool,
}

fn subnets_of(network: &Option<Value>) -> Vec<String> {
    network
        .as_ref()
        .and_then(|n| n.get("awsvpcConfiguration"))
        .and_then(|c| c.get("subnets"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// A new task's tags: propagated ones, then the task's own, then ECS managed tags.
fn task_tags(s: &Scope<'_>, spec: &TaskSpec, td_tags: &[Tag]) -> Vec<Tag> {
    let mut tags = match spec.propagate_tags.as_deref() {
        Some("TASK_DEFINITION") => td_tags.to_vec(),
        Some("SERVICE") => spec
            .owner
            .service()
            .and_then(|n| {
                s.state
                    .ecs
                    .services
                    .get(&(spec.cluster.clone(), n.to_owned()))
            })
            .map(|svc| svc.tags.clone())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    super::tags::merge(&mut tags, spec.tags.clone());
    if spec.ecs_managed_tags {
        let mut managed = vec![Tag {
            key: "aws:ecs:clusterName".into(),
            value: spec.cluster.clone(),
        }];
        if let Some(n) = spec.owner.service() {
            managed.push(Tag {
                key: "aws:ecs:serviceName".into(),
                value: n.to_owned(),
            });
        }
        super::tags::merge(&mut tags, managed);
    }
    tags
}

/// Starts a task in PROVISIONING; returns its id, or `None` if the task definition is gone.
pub fn start_task(s: &mut Scope<'_>, spec: TaskSpec) -> Option<String> {
    let (family, revision) = &spec.task_definition;
    let td = s.state.ecs.task_definitions.get(family, *revision)?.clone();
    let id = crate::ids::hex(32);
    let awsvpc = td.spec.network_mode == "awsvpc";
    let fargate = spec.launch_type.as_deref() == Some("FARGATE")
        || (spec.launch_type.is_none()
            && td
                .spec
                .requires_compatibilities
                .iter()
                .any(|c| c == "FARGATE"));
    let launch_type = spec.launch_type.clone().unwrap_or_else(|| {
        if fargate {
            "FARGATE".into()
        } else {
            "EC2".into()
        }
    });
    let subnets = subnets_of(&spec.network_configuration);
    let n = s.state.ecs.next_ip;
    s.state.ecs.next_ip = n.wrapping_add(1);
    let subnet = (!subnets.is_empty()).then(|| subnets[n as usize % subnets.len()].clone());
    let az = elbv2::zone_of(&s.pk.region, subnet.as_deref().unwrap_or(&spec.cluster));
    let (private_ip, eni, attachment) = if awsvpc {
        (
            Some(format!("10.0.{}.{}", (n / 250) % 256, n % 250 + 4)),
            Some(format!("eni-0{}", crate::ids::hex(16))),
            Some(crate::ids::uuid()),
        )
    } else {
        (None, None, None)
    };
    let instance_id = (!awsvpc).then(|| {
        let h = spec
            .cluster
            .bytes()
            .fold(0u64, |a, b| a.wrapping_mul(131).wrapping_add(b as u64));
        format!("i-0{:016x}", h)
    });
    let containers = td
        .spec
        .containers
        .iter()
        .map(|c| {
            let ports = c
                .port_mappings
                .iter()
                .filter_map(|p| {
                    let cp = p.container_port?;
                    let hp = match (awsvpc, p.host_port) {
                        (true, _) => cp,
                        (false, Some(h)) if h != 0 => h,
                        (false, _) => 32768 + (n % 28000) as i32,
                    };
                    Some((cp, hp, p.protocol.clone()))
                })
                .collect();
            ContainerState {
                name: c.name.clone(),
                image: c.image.clone(),
                uuid: crate::ids::uuid(),
                runtime_suffix: crate::ids::hex(10),
                essential: c.essential,
                exit_code: None,
                reason: None,
                ports,
            }
        })
        .collect();
    let tags = task_tags(s, &spec, &td.tags);
    let task = Task {
        id: id.clone(),
        cluster: spec.cluster.clone(),
        task_definition_arn: td.arn.clone(),
        owner: spec.owner,
        group: spec.group,
        started_by: spec.started_by,
        platform_version: if launch_type == "FARGATE" {
            Some(spec.platform_version.unwrap_or_else(|| "1.4.0".into())).map(|v| {
                if v == "LATEST" {
                    "1.4.0".into()
                } else {
                    v
                }
            })
        } else {
            None
        },
        launch_type,
        cpu: td.spec.cpu.clone(),
        memory: td.spec.memory.clone(),
        last_status: TaskStatus::Provisioning,
        desired_status: TaskStatus::Running,
        behaviour: Behaviour::of(&td),
        containers,
        private_ip,
        subnet_id: subnet,
        eni_id: eni,
        attachment_id: attachment,
        instance_id,
        availability_zone: az,
        registrations: Vec::new(),
        created_at: s.now,
        pull_started_at: None,
        pull_stopped_at: None,
        connectivity_at: None,
        started_at: None,
        stopping_at: None,
        execution_stopped_at: None,
        stopped_at: None,
        stop_code: None,
        stopped_reason: None,
        version: 1,
        tags,
    };
    let lbs = spec.load_balancers;
    if s.settings.notices {
        s.effects.push(Effect::notice(
            s.pk,
            s.now,
            "task",
            task_notice(s.pk, &task),
        ));
    }
    if let Some(service) = task.owner.service() {
        s.state
            .ecs
            .service_tasks
            .entry((spec.cluster.clone(), service.to_owned()))
            .or_default()
            .insert((spec.cluster.clone(), id.clone()));
    }
    s.state
        .ecs
        .tasks
        .insert((spec.cluster.clone(), id.clone()), task);
    // Remember where the task will register (resolved when it activates).
    if let Some(task) = s
        .state
        .ecs
        .tasks
        .get_mut(&(spec.cluster.clone(), id.clone()))
    {
        for lb in &lbs {
            let port = task
                .containers
                .iter()
                .find(|c| c.name == lb.container_name)
                .and_then(|c| c.ports.iter().find(|p| p.0 == lb.container_port))
                .map(|p| p.1)
                .unwrap_or(lb.container_port);
            let target_id = task
                .private_ip
                .clone()
                .or(task.instance_id.clone())
                .unwrap_or_default();
            task.registrations.push(Registration {
                target_group_arn: lb.target_group_arn.clone(),
                target_id,
                port,
            });
        }
    }
    schedule_step(s, &spec.cluster, &id, t::PROVISIONING_SECONDS);
    Some(id)
}

/// Event handler: the task's current lifecycle step is over.
pub fn on_task_step(s: &mut Scope<'_>, cluster: &str, id: &str) {
    let now = s.now;
    let key = (cluster.to_owned(), id.to_owned());
    let Some(task) = s.state.ecs.tasks.get_mut(&key) else {
        return;
    };
    match task.last_status {
        TaskStatus::Provisioning => {
            set_status(
                s.settings.notices.then_some(&mut *s.effects),
                s.pk,
                now,
                task,
                TaskStatus::Pending,
            );
            task.pull_started_at = Some(now);
            task.connectivity_at = Some(now);
            let startup = task.behaviour.startup_seconds;
            let activating = if task.registrations.is_empty() {
                0
            } else {
                t::ACTIVATING_SECONDS.min(startup)
            };
            task.pull_stopped_at = Some(now.plus_secs((startup - activating).min(1)));
            schedule_step(s, cluster, id, startup - activating);
        }
        TaskStatus::Pending if !task.registrations.is_empty() => {
            set_status(
                s.settings.notices.then_some(&mut *s.effects),
                s.pk,
                now,
                task,
                TaskStatus::Activating,
            );
            let healthy = task.behaviour.healthy;
            let regs = task.registrations.clone();
            for r in &regs {
                if elbv2::health::register_target(
                    s,
                    &r.target_group_arn,
                    &r.target_id,
                    r.port,
                    None,
                ) {
                    elbv2::health::set_check_result(
                        s,
                        &r.target_group_arn,
                        &r.target_id,
                        r.port,
                        None,
                        Some(Some(healthy)),
                    );
                    s.state.ecs.targets.insert(
                        (r.target_group_arn.clone(), r.target_id.clone(), r.port),
                        key.clone(),
                    );
                }
            }
            if let Some(svc) = task_service(s, cluster, id) {
                let msg = format!(
                    "(service {svc}) registered {} targets in (target-group {})",
                    regs.len(),
                    regs.iter()
                        .map(|r| r.target_group_arn.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                if let Some(sv) = s.state.ecs.services.get_mut(&(cluster.to_owned(), svc)) {
                    sv.event(now, msg);
                }
            }
            schedule_step(s, cluster, id, t::ACTIVATING_SECONDS);
        }
        TaskStatus::Pending | TaskStatus::Activating => {
            set_status(
                s.settings.notices.then_some(&mut *s.effects),
                s.pk,
                now,
                task,
                TaskStatus::Running,
            );
            task.started_at = Some(now);
            if let Some(after) = task.behaviour.exit_after_seconds {
                let k = exit_key(s, id);
                s.queue.schedule_keyed(
                    k,
                    now.plus_secs(after),
                    Event::TaskExit {
                        pk: s.pk.clone(),
                        cluster: cluster.to_owned(),
                        task_id: id.to_owned(),
                    },
                );
            }
            reconcile_owner(s, cluster, id);
        }
        TaskStatus::Running => {}
        TaskStatus::Deactivating => {
            set_status(
                s.settings.notices.then_some(&mut *s.effects),
                s.pk,
                now,
                task,
                TaskStatus::Stopping,
            );
            schedule_step(s, cluster, id, t::STOPPING_SECONDS);
        }
        TaskStatus::Stopping => {
            set_status(
                s.settings.notices.then_some(&mut *s.effects),
                s.pk,
                now,
                task,
                TaskStatus::Deprovisioning,
            );
            task.execution_stopped_at = Some(now);
            for c in &mut task.containers {
                if c.exit_code.is_none() {
                    c.exit_code = Some(
                        if task.stop_code == Some("UserInitiated")
                            || task.stop_code == Some("ServiceSchedulerInitiated")
                        {
                            143
                        } else {
                            0
                        },
                    );
                }
            }
            schedule_step(s, cluster, id, t::DEPROVISIONING_SECONDS);
        }
        TaskStatus::Deprovisioning => {
            set_status(
                s.settings.notices.then_some(&mut *s.effects),
                s.pk,
                now,
                task,
                TaskStatus::Stopped,
            );
            task.stopped_at = Some(now);
            let k = EventKey::TaskPurge {
                pk: s.pk.clone(),
                task_id: id.to_owned(),
            };
            s.queue.schedule_keyed(
                k,
                now.plus_secs(t::STOPPED_RETENTION_SECONDS),
                Event::TaskPurge {
                    pk: s.pk.clone(),
                    cluster: cluster.to_owned(),
                    task_id: id.to_owned(),
                },
            );
            reconcile_owner(s, cluster, id);
        }
        TaskStatus::Stopped => {}
    }
}

pub(crate) fn task_service(s: &Scope<'_>, cluster: &str, id: &str) -> Option<String> {
    s.state
        .ecs
        .tasks
        .get(&(cluster.to_owned(), id.to_owned()))
        .and_then(|t| t.owner.service())
        .map(str::to_owned)
}

/// Event handler: the essential container exits (`cutover.exit-after-seconds`).
pub fn on_task_exit(s: &mut Scope<'_>, cluster: &str, id: &str) {
    let Some(task) = s
        .state
        .ecs
        .tasks
        .get_mut(&(cluster.to_owned(), id.to_owned()))
    else {
        return;
    };
    if task.is_stopping_or_stopped() {
        return;
    }
    let code = task.behaviour.exit_code;
    let mut essential_name = String::new();
    if let Some(c) = task.containers.iter_mut().find(|c| c.essential) {
        c.exit_code = Some(code);
        c.reason = Some(format!("Essential container exited with code {code}"));
        essential_name = c.name.clone();
    }
    stop_task(
        s,
        cluster,
        id,
        "EssentialContainerExited",
        format!("Essential container in task exited: {essential_name}"),
    );
    count_failure(s, cluster, id);
}

/// Event handler: drop a long-stopped task.
pub fn on_task_purge(s: &mut Scope<'_>, cluster: &str, id: &str) {
    let Some(task) = s
        .state
        .ecs
        .tasks
        .remove(&(cluster.to_owned(), id.to_owned()))
    else {
        return;
    };
    if let Some(service) = task.owner.service() {
        let key = (cluster.to_owned(), service.to_owned());
        if let Some(ids) = s.state.ecs.service_tasks.get_mut(&key) {
            ids.remove(&(cluster.to_owned(), id.to_owned()));
            if ids.is_empty() {
                s.state.ecs.service_tasks.remove(&key);
            }
        }
    }
}

/// Asks a task to stop (desired status STOPPED). Its targets are deregistered and it stays
/// DEACTIVATING for the longest deregistration delay of its groups, then STOPPING,
/// DEPROVISIONING, STOPPED. Stopping a task that is already stopping changes nothing.
pub fn stop_task(
    s: &mut Scope<'_>,
    cluster: &str,
    id: &str,
    stop_code: &'static str,
    reason: String,
) {
    let now = s.now;
    let key = (cluster.to_owned(), id.to_owned());
    let Some(task) = s.state.ecs.tasks.get_mut(&key) else {
        return;
    };
    if task.is_stopping_or_stopped() {
        return;
    }
    task.desired_status = TaskStatus::Stopped;
    task.stopping_at = Some(now);
    task.stop_code = Some(stop_code);
    task.stopped_reason = Some(reason);
    task.version += 1;
    let registered = matches!(
        task.last_status,
        TaskStatus::Activating | TaskStatus::Running
    );
    let regs = if registered {
        task.registrations.clone()
    } else {
        Vec::new()
    };
    s.queue.cancel(&exit_key(s, id));
    s.queue.cancel(&grace_key(s, id));
    if !regs.is_empty() {
        let mut delay = 0;
        for r in &regs {
            if let Some(tg) = s.state.elbv2.target_group_by_arn(&r.target_group_arn) {
                delay = delay.max(tg.deregistration_delay_seconds());
            }
            elbv2::health::deregister_target(s, &r.target_group_arn, &r.target_id, r.port);
            s.state
                .ecs
                .targets
                .remove(&(r.target_group_arn.clone(), r.target_id.clone(), r.port));
        }
        if let Some(task) = s.state.ecs.tasks.get_mut(&key) {
            set_status(
                s.settings.notices.then_some(&mut *s.effects),
                s.pk,
                now,
                task,
                TaskStatus::Deactivating,
            );
        }
        schedule_step(s, cluster, id, delay);
    } else {
        let task = s.state.ecs.tasks.get_mut(&key).expect("exists");
        if task.last_status == TaskStatus::Provisioning {
            set_status(
                s.settings.notices.then_some(&mut *s.effects),
                s.pk,
                now,
                task,
                TaskStatus::Deprovisioning,
            );
            schedule_step(s, cluster, id, t::DEPROVISIONING_SECONDS);
        } else {
            set_status(
                s.settings.notices.then_some(&mut *s.effects),
                s.pk,
                now,
                task,
                TaskStatus::Stopping,
            );
            schedule_step(s, cluster, id, t::STOPPING_SECONDS);
        }
    }
    if let Some(svc) = task_service(s, cluster, id) {
        if let Some(sv) = s
            .state
            .ecs
            .services
            .get_mut(&(cluster.to_owned(), svc.clone()))
        {
            sv.event(
                now,
                format!("(service {svc}) has stopped 1 running tasks: (task {id})."),
            );
        }
    }
}

/// Called when a target's health state changes: an unhealthy target's task is replaced (as
/// ECS does for load-balanced services); a healthy one may let a rolling update proceed.
pub fn on_target_health(
    s: &mut Scope<'_>,
    tg_arn: &str,
    target_id: &str,
    port: i32,
    healthy: bool,
) {
    let Some((cluster, id)) = s
        .state
        .ecs
        .targets
        .get(&(tg_arn.to_owned(), target_id.to_owned(), port))
        .cloned()
    else {
        return;
    };
    if healthy {
        reconcile_owner(s, &cluster, &id);
        return;
    }
    let owned = s
        .state
        .ecs
        .tasks
        .get(&(cluster.clone(), id.clone()))
        .is_some_and(|t| t.owner.service().is_some());
    if !owned {
        return;
    }
    // ECS ignores load balancer health checks for the service's grace period after a task
    // starts; a task still unhealthy when it ends is replaced then.
    if let Some(until) = grace_until(s, &cluster, &id).filter(|&u| u > s.now) {
        let key = grace_key(s, &id);
        s.queue.schedule_keyed(
            key,
            until,
            Event::TaskGraceOver {
                pk: s.pk.clone(),
                cluster,
                task_id: id,
            },
        );
        return;
    }
    fail_health_checks(s, &cluster, &id, tg_arn);
}

/// When the health-check grace period of a service task ends (`None` if its service has none).
fn grace_until(s: &Scope<'_>, cluster: &str, id: &str) -> Option<VTime> {
    let task = s
        .state
        .ecs
        .tasks
        .get(&(cluster.to_owned(), id.to_owned()))?;
    let svc = s
        .state
        .ecs
        .services
        .get(&(cluster.to_owned(), task.owner.service()?.to_owned()))?;
    let grace = i64::from(svc.health_check_grace_period_seconds.unwrap_or(0));
    (grace > 0).then(|| task.started_at.unwrap_or(s.now).plus_secs(grace))
}

fn fail_health_checks(s: &mut Scope<'_>, cluster: &str, id: &str, tg_arn: &str) {
    count_failure(s, cluster, id);
    stop_task(
        s,
        cluster,
        id,
        "ServiceSchedulerInitiated",
        format!("Task failed ELB health checks in (target-group {tg_arn})"),
    );
    reconcile_owner(s, cluster, id);
}

/// Event handler: a task's grace period is over; a task that is still unhealthy in one of its
/// target groups is replaced.
pub fn on_grace_over(s: &mut Scope<'_>, cluster: &str, id: &str) {
    let Some(task) = s.state.ecs.tasks.get(&(cluster.to_owned(), id.to_owned())) else {
        return;
    };
    if task.is_stopping_or_stopped() {
        return;
    }
    let failing = task
        .registrations
        .iter()
        .find(|r| checked_phase(s, r) == Some(Some(Phase::Unhealthy)));
    if let Some(r) = failing {
        let tg_arn = r.target_group_arn.clone();
        fail_health_checks(s, cluster, id, &tg_arn);
    }
}

/// Whether a task counts as healthy for its service: RUNNING and healthy in every target group
/// that receives traffic and health-checks.
pub fn task_healthy(s: &Scope<'_>, task: &Task) -> bool {
    if task.last_status != TaskStatus::Running || task.is_stopping_or_stopped() {
        return false;
    }
    task.registrations
        .iter()
        .all(|r| checked_phase(s, r).is_none_or(|p| p == Some(Phase::Healthy)))
}

/// A registration's health: `None` when its group is gone or does not check health (nothing to
/// pass or fail), else the target's phase (`Some(None)` if it is no longer registered).
fn checked_phase(s: &Scope<'_>, r: &Registration) -> Option<Option<Phase>> {
    let tg = s.state.elbv2.target_group_by_arn(&r.target_group_arn)?;
    tg.health_check
        .enabled
        .then(|| tg.target(&r.target_id, r.port).map(|t| t.phase))
}

pub(crate) use super::reconcile::{count_failure, reconcile_owner};
pub use super::reconcile::{counts, deployment_counts, reconcile_service, task_set_counts};

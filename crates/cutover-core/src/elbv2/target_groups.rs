//! Target groups: settings, attributes, targets, and which load balancers use them (through
//! listener and rule actions). A group that no listener or rule forwards to is *unused*: its
//! targets report `unused` and are not health-checked.

use std::collections::BTreeMap;

use super::health::{self, Target};
use super::Elbv2State;
use crate::ecs::Tag;
use crate::world::Scope;
use crate::VTime;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthCheck {
    pub enabled: bool,
    pub protocol: Option<String>,
    pub port: String,
    pub path: Option<String>,
    pub interval_seconds: i32,
    pub timeout_seconds: i32,
    pub healthy_threshold: i32,
    pub unhealthy_threshold: i32,
    pub matcher_http: Option<String>,
    pub matcher_grpc: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TargetGroup {
    pub name: String,
    pub arn: String,
    pub protocol: Option<String>,
    pub protocol_version: Option<String>,
    pub port: Option<i32>,
    pub vpc_id: Option<String>,
    pub target_type: String,
    pub ip_address_type: String,
    pub health_check: HealthCheck,
    pub attributes: BTreeMap<String, String>,
    pub tags: Vec<Tag>,
    pub created_at: VTime,
    /// Registered and draining targets, by (id, port).
    pub targets: BTreeMap<(String, i32), Target>,
    /// Load balancers whose listeners or rules forward here, with the number of such actions.
    pub lb_refs: BTreeMap<String, u32>,
}

impl TargetGroup {
    /// Whether any listener or rule of a load balancer forwards to this group.
    pub fn in_use(&self) -> bool {
        !self.lb_refs.is_empty()
    }

    pub fn load_balancer_arns(&self) -> impl Iterator<Item = &str> {
        self.lb_refs.keys().map(String::as_str)
    }

    /// `deregistration_delay.timeout_seconds` (AWS default 300).
    pub fn deregistration_delay_seconds(&self) -> i64 {
        self.attributes
            .get("deregistration_delay.timeout_seconds")
            .and_then(|v| v.parse().ok())
            .unwrap_or(300)
    }

    pub fn target(&self, id: &str, port: i32) -> Option<&Target> {
        self.targets.get(&(id.to_owned(), port))
    }
}

/// The attributes of a new target group, as AWS reports them for an ALB `instance`/`ip` group.
pub fn default_attributes(target_type: &str, protocol: Option<&str>) -> BTreeMap<String, String> {
    let mut a: BTreeMap<String, String> = BTreeMap::new();
    let mut put = |k: &str, v: &str| {
        a.insert(k.to_owned(), v.to_owned());
    };
    if target_type == "lambda" {
        put("lambda.multi_value_headers.enabled", "false");
        return a;
    }
    put("deregistration_delay.timeout_seconds", "300");
    put("stickiness.enabled", "false");
    put(
        "load_balancing.cross_zone.enabled",
        "use_load_balancer_configuration",
    );
    put(
        "target_group_health.dns_failover.minimum_healthy_targets.count",
        "1",
    );
    put(
        "target_group_health.dns_failover.minimum_healthy_targets.percentage",
        "off",
    );
    put(
        "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count",
        "1",
    );
    put(
        "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage",
        "off",
    );
    if matches!(protocol, Some("HTTP") | Some("HTTPS")) {
        put("stickiness.type", "lb_cookie");
        put("stickiness.lb_cookie.duration_seconds", "86400");
        put("stickiness.app_cookie.cookie_name", "");
        put("stickiness.app_cookie.duration_seconds", "86400");
        put("slow_start.duration_seconds", "0");
        put("load_balancing.algorithm.type", "round_robin");
        put("load_balancing.algorithm.anomaly_mitigation", "off");
    } else {
        put("stickiness.type", "source_ip");
        put(
            "deregistration_delay.connection_termination.enabled",
            "false",
        );
        put(
            "preserve_client_ip.enabled",
            if target_type == "ip" { "false" } else { "true" },
        );
        put("proxy_protocol_v2.enabled", "false");
    }
    a
}

pub struct NewTargetGroup {
    pub name: String,
    pub protocol: Option<String>,
    pub protocol_version: Option<String>,
    pub port: Option<i32>,
    pub vpc_id: Option<String>,
    pub target_type: String,
    pub ip_address_type: String,
    pub health_check: HealthCheck,
    pub tags: Vec<Tag>,
}

impl Elbv2State {
    pub fn target_group_by_name(&self, name: &str) -> Option<&TargetGroup> {
        self.target_groups.get(name)
    }

    pub fn target_group_by_arn(&self, arn: &str) -> Option<&TargetGroup> {
        self.tg_by_arn
            .get(arn)
            .and_then(|n| self.target_groups.get(n))
    }

    pub fn target_group_by_arn_mut(&mut self, arn: &str) -> Option<&mut TargetGroup> {
        let name = self.tg_by_arn.get(arn)?;
        self.target_groups.get_mut(name)
    }

    pub fn target_group_count(&self) -> usize {
        self.target_groups.len()
    }

    pub fn list_target_groups(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> (Vec<&TargetGroup>, bool) {
        super::page(&self.target_groups, after, limit)
    }

    /// Target groups that a load balancer's listeners or rules forward to, by name.
    pub fn target_groups_of_load_balancer(&self, lb_arn: &str) -> Vec<&TargetGroup> {
        let mut arns: Vec<&str> = Vec::new();
        let lprefix = super::listeners::listener_prefix_of_lb(lb_arn);
        for (_, l) in super::prefix_range(&self.listeners, &lprefix, None) {
            arns.extend(l.default_actions.iter().flat_map(|a| a.target_group_arns()));
            let rprefix = super::listeners::rule_prefix_of_listener(&l.arn);
            for (_, r) in super::prefix_range(&self.rules, &rprefix, None) {
                arns.extend(r.actions.iter().flat_map(|a| a.target_group_arns()));
            }
        }
        let mut groups: Vec<&TargetGroup> = arns
            .iter()
            .filter_map(|a| self.target_group_by_arn(a))
            .collect();
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        groups.dedup_by(|a, b| a.arn == b.arn);
        groups
    }
}

/// Creates a target group and returns it.
pub fn create_target_group<'s>(s: &'s mut Scope<'_>, spec: NewTargetGroup) -> &'s TargetGroup {
    let id = crate::ids::hex(16);
    let arn = format!(
        "arn:aws:elasticloadbalancing:{}:{}:targetgroup/{}/{id}",
        s.pk.region, s.pk.account, spec.name
    );
    let tg = TargetGroup {
        attributes: default_attributes(&spec.target_type, spec.protocol.as_deref()),
        name: spec.name.clone(),
        arn: arn.clone(),
        protocol: spec.protocol,
        protocol_version: spec.protocol_version,
        port: spec.port,
        vpc_id: spec.vpc_id,
        target_type: spec.target_type,
        ip_address_type: spec.ip_address_type,
        health_check: spec.health_check,
        tags: spec.tags,
        created_at: s.now,
        targets: BTreeMap::new(),
        lb_refs: BTreeMap::new(),
    };
    let st = &mut s.state.elbv2;
    st.tg_by_arn.insert(arn, spec.name.clone());
    st.target_groups.insert(spec.name.clone(), tg);
    &st.target_groups[&spec.name]
}

/// Deletes a target group with its targets (cancelling their pending events).
pub fn delete_target_group(s: &mut Scope<'_>, arn: &str) -> Option<TargetGroup> {
    let name = s.state.elbv2.tg_by_arn.remove(arn)?;
    let tg = s.state.elbv2.target_groups.remove(&name)?;
    for (id, port) in tg.targets.keys() {
        health::cancel_events(s.queue, s.pk, arn, id, *port);
    }
    Some(tg)
}

/// Replaces the health-check settings; targets restart their checks under the new settings.
pub fn set_health_check(s: &mut Scope<'_>, arn: &str, hc: HealthCheck) {
    let now = s.now;
    let Some(tg) = s.state.elbv2.target_group_by_arn_mut(arn) else {
        return;
    };
    let was_enabled = tg.health_check.enabled;
    tg.health_check = hc;
    let restart = !was_enabled && tg.health_check.enabled;
    health::rearm_all(s.queue, s.pk, tg, now, restart);
}

/// Records that `lb_arn` gained (`delta` = +1) or lost (-1) an action forwarding to `tg_arn`;
/// a group that becomes used starts health-checking its targets, one that becomes unused stops.
pub(crate) fn add_lb_ref(s: &mut Scope<'_>, tg_arn: &str, lb_arn: &str, delta: i32) {
    let now = s.now;
    let Some(tg) = s.state.elbv2.target_group_by_arn_mut(tg_arn) else {
        return;
    };
    if delta > 0 {
        *tg.lb_refs.entry(lb_arn.to_owned()).or_insert(0) += delta as u32;
    } else if let Some(n) = tg.lb_refs.get_mut(lb_arn) {
        *n = n.saturating_sub((-delta) as u32);
        if *n == 0 {
            tg.lb_refs.remove(lb_arn);
        }
    }
    let _ = now;
}

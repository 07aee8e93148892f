//! ELBv2 state: load balancers, target groups with their targets, listeners and rules.
//! Follows the Elastic Load Balancing API reference (Application Load Balancers).
//!
//! - this module: the state container and load balancers (`provisioning` → `active` after
//!   [`PROVISIONING_SECONDS`] of virtual time);
//! - [`target_groups`]: target groups, their attributes and which load balancers use them;
//! - [`health`]: targets and their simulated health over virtual time;
//! - [`listeners`]: listeners, rules and actions.

use std::collections::{BTreeMap, HashMap};

use crate::ecs::Tag;
use crate::event::{Event, EventKey};
use crate::world::Scope;
use crate::VTime;

pub mod health;
pub mod listeners;
pub mod target_groups;

pub use health::{Phase, Target, TargetHealthView};
pub use listeners::{Action, ActionKind, Condition, Listener, Rule, WeightedGroup};
pub use target_groups::{HealthCheck, NewTargetGroup, TargetGroup};

/// Virtual seconds a new load balancer stays `provisioning`.
pub const PROVISIONING_SECONDS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LbState {
    Provisioning,
    Active,
}

impl LbState {
    pub fn as_str(self) -> &'static str {
        match self {
            LbState::Provisioning => "provisioning",
            LbState::Active => "active",
        }
    }
}

#[derive(Debug, Clone)]
pub struct LoadBalancer {
    pub name: String,
    pub arn: String,
    pub dns_name: String,
    pub created_at: VTime,
    pub scheme: String,
    pub lb_type: String,
    pub ip_address_type: String,
    pub vpc_id: String,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub state: LbState,
    pub tags: Vec<Tag>,
    pub attributes: BTreeMap<String, String>,
}

/// Load balancer attributes AWS reports for a new ALB (all values are strings).
pub const DEFAULT_LB_ATTRIBUTES: &[(&str, &str)] = &[
    ("access_logs.s3.enabled", "false"),
    ("access_logs.s3.bucket", ""),
    ("access_logs.s3.prefix", ""),
    ("connection_logs.s3.enabled", "false"),
    ("connection_logs.s3.bucket", ""),
    ("connection_logs.s3.prefix", ""),
    ("deletion_protection.enabled", "false"),
    ("idle_timeout.timeout_seconds", "60"),
    ("client_keep_alive.seconds", "3600"),
    ("routing.http.desync_mitigation_mode", "defensive"),
    ("routing.http.drop_invalid_header_fields.enabled", "false"),
    ("routing.http.preserve_host_header.enabled", "false"),
    (
        "routing.http.x_amzn_tls_version_and_cipher_suite.enabled",
        "false",
    ),
    ("routing.http.xff_client_port.enabled", "false"),
    ("routing.http.xff_header_processing.mode", "append"),
    ("routing.http2.enabled", "true"),
    ("waf.fail_open.enabled", "false"),
    ("zonal_shift.config.enabled", "false"),
];

#[derive(Debug, Default)]
pub struct Elbv2State {
    /// By name (unique per account and region); listing order is by name.
    pub(crate) load_balancers: BTreeMap<String, LoadBalancer>,
    pub(crate) lb_by_arn: HashMap<String, String>,
    /// By name; listing order is by name.
    pub(crate) target_groups: BTreeMap<String, TargetGroup>,
    pub(crate) tg_by_arn: HashMap<String, String>,
    /// By ARN: a load balancer's listeners share an ARN prefix, so they are one range.
    pub(crate) listeners: BTreeMap<String, Listener>,
    /// By ARN: a listener's rules share an ARN prefix.
    pub(crate) rules: BTreeMap<String, Rule>,
}

/// The synthetic VPC of a partition: every subnet belongs to it (there is no VPC model).
pub fn vpc_id(account: &str) -> String {
    let digits: String = account.chars().rev().take(8).collect();
    format!("vpc-0{digits:0>8}cafe0000")
}

/// The availability zone a subnet id is placed in, stable for a given id.
pub fn zone_of(region: &str, subnet: &str) -> String {
    let h = subnet.bytes().fold(2_166_136_261u32, |a, b| {
        (a ^ b as u32).wrapping_mul(16_777_619)
    });
    let letter = (b'a' + (h % 3) as u8) as char;
    format!("{region}{letter}")
}

/// Keys of the range of a sorted map whose keys start with `prefix`.
pub(crate) fn prefix_range<'m, 'p, V>(
    map: &'m BTreeMap<String, V>,
    prefix: &'p str,
    after: Option<&'p str>,
) -> impl Iterator<Item = (&'m String, &'m V)> + 'p
where
    'm: 'p,
{
    use std::ops::Bound::{Excluded, Included, Unbounded};
    let lower = match after {
        Some(a) if a > prefix => Excluded(a),
        _ => Included(prefix),
    };
    map.range::<str, _>((lower, Unbounded))
        .take_while(move |(k, _)| k.starts_with(prefix))
}

pub struct NewLoadBalancer {
    pub name: String,
    pub scheme: String,
    pub lb_type: String,
    pub ip_address_type: String,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub tags: Vec<Tag>,
}

impl Elbv2State {
    pub fn load_balancer_by_name(&self, name: &str) -> Option<&LoadBalancer> {
        self.load_balancers.get(name)
    }

    pub fn load_balancer_by_arn(&self, arn: &str) -> Option<&LoadBalancer> {
        self.lb_by_arn
            .get(arn)
            .and_then(|n| self.load_balancers.get(n))
    }

    pub fn load_balancer_by_arn_mut(&mut self, arn: &str) -> Option<&mut LoadBalancer> {
        let name = self.lb_by_arn.get(arn)?;
        self.load_balancers.get_mut(name)
    }

    pub fn load_balancer_count(&self) -> usize {
        self.load_balancers.len()
    }

    /// Load balancers sorting after name `after`, at most `limit`; the bool says whether more remain.
    pub fn list_load_balancers(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> (Vec<&LoadBalancer>, bool) {
        page(&self.load_balancers, after, limit)
    }
}

/// A page of a name-keyed map after `after`; the bool says whether more remain.
pub(crate) fn page<'a, V>(
    map: &'a BTreeMap<String, V>,
    after: Option<&str>,
    limit: usize,
) -> (Vec<&'a V>, bool) {
    use std::ops::Bound::{Excluded, Unbounded};
    let lower = after.map_or(Unbounded, Excluded);
    let mut it = map.range::<str, _>((lower, Unbounded)).map(|(_, v)| v);
    let items: Vec<&V> = it.by_ref().take(limit).collect();
    let more = it.next().is_some();
    (items, more)
}

/// Creates a load balancer in `provisioning` and schedules its activation.
pub fn create_load_balancer<'s>(s: &'s mut Scope<'_>, spec: NewLoadBalancer) -> &'s LoadBalancer {
    let id = crate::ids::hex(16);
    let kind = if spec.lb_type == "network" {
        "net"
    } else {
        "app"
    };
    let arn = format!(
        "arn:aws:elasticloadbalancing:{}:{}:loadbalancer/{kind}/{}/{id}",
        s.pk.region, s.pk.account, spec.name
    );
    let digits = u64::from_str_radix(&id[..8], 16).unwrap_or(0) % 10_000_000_000;
    let internal = if spec.scheme == "internal" {
        "internal-"
    } else {
        ""
    };
    let dns_name = format!(
        "{internal}{}-{digits:010}.{}.elb.amazonaws.com",
        spec.name, s.pk.region
    );
    let lb = LoadBalancer {
        name: spec.name.clone(),
        arn: arn.clone(),
        dns_name,
        created_at: s.now,
        scheme: spec.scheme,
        lb_type: spec.lb_type,
        ip_address_type: spec.ip_address_type,
        vpc_id: vpc_id(&s.pk.account),
        subnets: spec.subnets,
        security_groups: spec.security_groups,
        state: LbState::Provisioning,
        tags: spec.tags,
        attributes: DEFAULT_LB_ATTRIBUTES
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    };
    s.queue.schedule_keyed(
        EventKey::LoadBalancerActive {
            pk: s.pk.clone(),
            arn: arn.clone(),
        },
        s.now.plus_secs(PROVISIONING_SECONDS),
        Event::LoadBalancerActive {
            pk: s.pk.clone(),
            arn: arn.clone(),
        },
    );
    let st = &mut s.state.elbv2;
    st.lb_by_arn.insert(arn, spec.name.clone());
    st.load_balancers.insert(spec.name.clone(), lb);
    &st.load_balancers[&spec.name]
}

/// Deletes a load balancer with its listeners and rules; its target groups survive but stop
/// being used by it. Cancels a pending activation.
pub fn delete_load_balancer(s: &mut Scope<'_>, arn: &str) -> Option<LoadBalancer> {
    s.queue.cancel(&EventKey::LoadBalancerActive {
        pk: s.pk.clone(),
        arn: arn.to_owned(),
    });
    let listener_arns: Vec<String> = prefix_range(
        &s.state.elbv2.listeners,
        &listeners::listener_prefix_of_lb(arn),
        None,
    )
    .map(|(k, _)| k.clone())
    .collect();
    for l in listener_arns {
        listeners::delete_listener(s, &l);
    }
    let st = &mut s.state.elbv2;
    let name = st.lb_by_arn.remove(arn)?;
    st.load_balancers.remove(&name)
}

/// Event handler: provisioning is over.
pub fn on_load_balancer_active(st: &mut Elbv2State, _at: VTime, arn: &str) {
    if let Some(lb) = st.load_balancer_by_arn_mut(arn) {
        lb.state = LbState::Active;
    }
}

//! ELBv2 state: load balancers (target groups, listeners, rules and target health come next).
//! Follows the Elastic Load Balancing API reference; new ALBs are `provisioning`, then `active`
//! after [`PROVISIONING_SECONDS`] of virtual time.

use std::collections::{BTreeMap, HashMap};

use crate::ecs::Tag;
use crate::event::{Event, EventKey};
use crate::world::Scope;
use crate::VTime;

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
}

#[derive(Debug, Default)]
pub struct Elbv2State {
    /// By name (unique per account and region); listing order is by name.
    load_balancers: BTreeMap<String, LoadBalancer>,
    lb_by_arn: HashMap<String, String>,
}

/// The synthetic VPC of a partition: every subnet belongs to it (there is no VPC model).
pub fn vpc_id(account: &str) -> String {
    let digits: String = account.chars().rev().take(8).collect();
    format!("vpc-0{digits:0>8}cafe0000")
}

/// The availability zone a subnet id is placed in, stable for a given id.
pub fn zone_of(region: &str, subnet: &str) -> String {
    let h = subnet
        .bytes()
        .fold(0u32, |a, b| a.wrapping_mul(31).wrapping_add(b as u32));
    let letter = (b'a' + (h % 3) as u8) as char;
    format!("{region}{letter}")
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

    pub fn load_balancer_count(&self) -> usize {
        self.load_balancers.len()
    }

    /// Load balancers sorting after name `after`, at most `limit`; the bool says whether more remain.
    pub fn list_load_balancers(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> (Vec<&LoadBalancer>, bool) {
        use std::ops::Bound::{Excluded, Unbounded};
        let lower = after.map_or(Unbounded, Excluded);
        let mut it = self
            .load_balancers
            .range::<str, _>((lower, Unbounded))
            .map(|(_, l)| l);
        let page: Vec<&LoadBalancer> = it.by_ref().take(limit).collect();
        let more = it.next().is_some();
        (page, more)
    }

    pub fn remove_load_balancer(&mut self, arn: &str) -> Option<LoadBalancer> {
        let name = self.lb_by_arn.remove(arn)?;
        self.load_balancers.remove(&name)
    }
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

/// Deletes a load balancer and cancels its pending activation.
pub fn delete_load_balancer(s: &mut Scope<'_>, arn: &str) -> Option<LoadBalancer> {
    s.queue.cancel(&EventKey::LoadBalancerActive {
        pk: s.pk.clone(),
        arn: arn.to_owned(),
    });
    s.state.elbv2.remove_load_balancer(arn)
}

/// Event handler: provisioning is over.
pub fn on_load_balancer_active(st: &mut Elbv2State, _at: VTime, arn: &str) {
    if let Some(name) = st.lb_by_arn.get(arn) {
        if let Some(lb) = st.load_balancers.get_mut(name) {
            lb.state = LbState::Active;
        }
    }
}

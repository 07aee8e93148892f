//! CodeDeploy state: applications, deployment groups ([`deployment_groups`]), deployment
//! configurations ([`deployment_configs`]) and resource tags ([`tags`]); deployments and the
//! blue/green engine come later. Follows the CodeDeploy API reference.

use std::collections::BTreeMap;

use crate::ecs::Tag;
use crate::VTime;

pub mod deployment_configs;
pub mod deployment_groups;
pub mod tags;

pub use deployment_configs::{DeploymentConfig, MinimumHealthyHosts, TrafficRouting, TrafficShift};
pub use deployment_groups::{DeploymentGroup, DeploymentGroupConfig, EcsBlueGreenTarget};
pub use tags::CodeDeployResource;

/// A string-valued AWS enum: variants, their wire spelling, parsing.
macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($v:ident = $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($v),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),* }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$v),)* _ => None }
            }
        }
    };
}
pub(crate) use str_enum;

str_enum!(ComputePlatform {
    Server = "Server",
    Lambda = "Lambda",
    Ecs = "ECS",
});

#[derive(Debug, Clone)]
pub struct Application {
    pub name: String,
    pub id: String,
    pub compute_platform: ComputePlatform,
    pub created_at: VTime,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Default)]
pub struct CodeDeployState {
    applications: BTreeMap<String, Application>,
    /// Deployment groups by application, then by group name (listing order is by name).
    groups: BTreeMap<String, BTreeMap<String, DeploymentGroup>>,
    /// Custom deployment configurations by name; the predefined ones are not stored per
    /// partition (see [`deployment_configs::predefined`]).
    configs: BTreeMap<String, DeploymentConfig>,
}

pub fn application_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:codedeploy:{region}:{account}:application:{name}")
}

/// Keys of `map` sorting after `after`, at most `limit`; the bool says whether more remain.
/// Costs O(log n + limit).
pub(crate) fn page_of<'a, V>(
    map: &'a BTreeMap<String, V>,
    after: Option<&str>,
    limit: usize,
) -> (Vec<&'a str>, bool) {
    use std::ops::Bound::{Excluded, Unbounded};
    let lower = after.map_or(Unbounded, Excluded);
    let mut it = map
        .range::<str, _>((lower, Unbounded))
        .map(|(k, _)| k.as_str());
    let page: Vec<&str> = it.by_ref().take(limit).collect();
    let more = it.next().is_some();
    (page, more)
}

impl CodeDeployState {
    pub fn application(&self, name: &str) -> Option<&Application> {
        self.applications.get(name)
    }

    /// Inserts a new application; `None` when the name is taken.
    pub fn create_application(
        &mut self,
        name: &str,
        compute_platform: ComputePlatform,
        tags: Vec<Tag>,
        now: VTime,
    ) -> Option<&Application> {
        if self.applications.contains_key(name) {
            return None;
        }
        self.applications.insert(
            name.to_owned(),
            Application {
                name: name.to_owned(),
                id: crate::ids::uuid(),
                compute_platform,
                created_at: now,
                tags,
            },
        );
        self.applications.get(name)
    }

    /// Removes the application together with its deployment groups.
    pub fn delete_application(&mut self, name: &str) -> Option<Application> {
        self.groups.remove(name);
        self.applications.remove(name)
    }

    /// Application names sorting after `after`, at most `limit`; the bool says whether more remain.
    pub fn list_applications(&self, after: Option<&str>, limit: usize) -> (Vec<&str>, bool) {
        page_of(&self.applications, after, limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compute_platform_round_trips() {
        for p in ComputePlatform::ALL {
            assert_eq!(ComputePlatform::parse(p.as_str()), Some(*p));
        }
        assert_eq!(ComputePlatform::parse("ecs"), None);
    }

    #[test]
    fn applications_page_by_name() {
        let mut s = CodeDeployState::default();
        for n in ["b", "a", "c"] {
            assert!(s
                .create_application(n, ComputePlatform::Ecs, vec![], VTime(0))
                .is_some());
        }
        assert!(s
            .create_application("a", ComputePlatform::Ecs, vec![], VTime(0))
            .is_none());
        assert_eq!(s.list_applications(None, 2), (vec!["a", "b"], true));
        assert_eq!(s.list_applications(Some("b"), 2), (vec!["c"], false));
    }
}

//! ECS task definitions: families and their revisions (numbered from 1, never reused), the
//! ACTIVE → INACTIVE → DELETE_IN_PROGRESS transitions, and the indexes that keep every listing
//! proportional to its page.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound::{self, Excluded, Included, Unbounded};

use serde_json::{Map, Value};

use super::Tag;
use crate::VTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskDefinitionStatus {
    Active,
    Inactive,
    DeleteInProgress,
}

impl TaskDefinitionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskDefinitionStatus::Active => "ACTIVE",
            TaskDefinitionStatus::Inactive => "INACTIVE",
            TaskDefinitionStatus::DeleteInProgress => "DELETE_IN_PROGRESS",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Which families `ListTaskDefinitionFamilies` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FamilyFilter {
    /// Families with at least one ACTIVE revision.
    Active,
    /// Families with revisions, none of them ACTIVE.
    Inactive,
    All,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortMapping {
    pub container_port: Option<i32>,
    pub host_port: Option<i32>,
    pub protocol: String,
}

/// One container of a task definition: the members the simulation needs, typed, plus the whole
/// definition as the client gave it (with AWS's defaults filled in), echoed back verbatim.
#[derive(Debug, Clone)]
pub struct ContainerDefinition {
    pub name: String,
    pub image: String,
    pub essential: bool,
    pub port_mappings: Vec<PortMapping>,
    pub document: Value,
}

/// What a client registers (already validated by the API layer).
#[derive(Debug, Clone)]
pub struct TaskDefinitionSpec {
    pub family: String,
    pub containers: Vec<ContainerDefinition>,
    pub network_mode: String,
    pub requires_compatibilities: Vec<String>,
    pub compatibilities: Vec<String>,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub task_role_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    /// Other `TaskDefinition` members, passed through (`volumes`, `placementConstraints`,
    /// `pidMode`, `runtimePlatform`, ...).
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone)]
pub struct TaskDefinition {
    pub arn: String,
    pub revision: u32,
    pub status: TaskDefinitionStatus,
    pub spec: TaskDefinitionSpec,
    pub registered_at: VTime,
    pub registered_by: String,
    pub deregistered_at: Option<VTime>,
    pub delete_requested_at: Option<VTime>,
    pub tags: Vec<Tag>,
}

impl TaskDefinition {
    pub fn family(&self) -> &str {
        &self.spec.family
    }
}

#[derive(Debug, Default, Clone)]
struct Family {
    last_revision: u32,
    active: usize,
}

pub type Key = (String, u32);

#[derive(Debug, Default)]
pub struct TaskDefinitions {
    revisions: BTreeMap<Key, TaskDefinition>,
    /// One key set per status (indexed by [`TaskDefinitionStatus::index`]).
    by_status: [BTreeSet<Key>; 3],
    families: BTreeMap<String, Family>,
    active_families: BTreeSet<String>,
    inactive_families: BTreeSet<String>,
}

pub fn task_definition_arn(region: &str, account: &str, family: &str, revision: u32) -> String {
    format!("arn:aws:ecs:{region}:{account}:task-definition/{family}:{revision}")
}

/// Why a revision could not be deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteRefusal {
    Missing,
    StillActive,
}

impl TaskDefinitions {
    /// Registers the next revision of `spec.family` (previous highest revision + 1, counting
    /// deregistered and deleted revisions).
    pub fn register(
        &mut self,
        region: &str,
        account: &str,
        spec: TaskDefinitionSpec,
        tags: Vec<Tag>,
        now: VTime,
    ) -> &TaskDefinition {
        let family = spec.family.clone();
        let f = self.families.entry(family.clone()).or_default();
        f.last_revision += 1;
        f.active += 1;
        let revision = f.last_revision;
        self.inactive_families.remove(&family);
        self.active_families.insert(family.clone());
        let key = (family.clone(), revision);
        self.by_status[TaskDefinitionStatus::Active.index()].insert(key.clone());
        let td = TaskDefinition {
            arn: task_definition_arn(region, account, &family, revision),
            revision,
            status: TaskDefinitionStatus::Active,
            spec,
            registered_at: now,
            registered_by: format!("arn:aws:iam::{account}:root"),
            deregistered_at: None,
            delete_requested_at: None,
            tags,
        };
        self.revisions.entry(key).or_insert(td)
    }

    pub fn get(&self, family: &str, revision: u32) -> Option<&TaskDefinition> {
        self.revisions.get(&(family.to_owned(), revision))
    }

    pub fn get_mut(&mut self, family: &str, revision: u32) -> Option<&mut TaskDefinition> {
        self.revisions.get_mut(&(family.to_owned(), revision))
    }

    /// What a reference names: `family:revision` that revision (whatever its status), a bare
    /// family its latest ACTIVE revision.
    pub fn resolve(&self, family: &str, revision: Option<u32>) -> Option<&TaskDefinition> {
        match revision {
            Some(r) => self.get(family, r),
            None => self.latest_active(family),
        }
    }

    /// The highest ACTIVE revision of a family.
    pub fn latest_active(&self, family: &str) -> Option<&TaskDefinition> {
        let range = family_range(family);
        let key = self.by_status[TaskDefinitionStatus::Active.index()]
            .range(range)
            .next_back()?;
        self.revisions.get(key)
    }

    fn set_status(&mut self, key: &Key, to: TaskDefinitionStatus) {
        let Some(td) = self.revisions.get_mut(key) else {
            return;
        };
        let from = td.status;
        if from == to {
            return;
        }
        td.status = to;
        self.by_status[from.index()].remove(key);
        self.by_status[to.index()].insert(key.clone());
        let family = &key.0;
        let f = self.families.get_mut(family).expect("family of a revision");
        if from == TaskDefinitionStatus::Active {
            f.active -= 1;
            if f.active == 0 {
                self.active_families.remove(family);
                self.inactive_families.insert(family.clone());
            }
        }
    }

    /// ACTIVE → INACTIVE (stamping `deregistered_at`); an INACTIVE or deleted revision is
    /// returned unchanged. `None` if there is no such revision.
    pub fn deregister(
        &mut self,
        family: &str,
        revision: u32,
        now: VTime,
    ) -> Option<&TaskDefinition> {
        let key = (family.to_owned(), revision);
        let status = self.revisions.get(&key)?.status;
        if status == TaskDefinitionStatus::Active {
            self.set_status(&key, TaskDefinitionStatus::Inactive);
            if let Some(td) = self.revisions.get_mut(&key) {
                td.deregistered_at = Some(now);
            }
        }
        self.revisions.get(&key)
    }

    /// INACTIVE → DELETE_IN_PROGRESS (stamping `delete_requested_at`); deleting again is a no-op.
    /// The revision number stays taken.
    pub fn delete(
        &mut self,
        family: &str,
        revision: u32,
        now: VTime,
    ) -> Result<&TaskDefinition, DeleteRefusal> {
        let key = (family.to_owned(), revision);
        let status = self
            .revisions
            .get(&key)
            .ok_or(DeleteRefusal::Missing)?
            .status;
        match status {
            TaskDefinitionStatus::Active => return Err(DeleteRefusal::StillActive),
            TaskDefinitionStatus::Inactive => {
                self.set_status(&key, TaskDefinitionStatus::DeleteInProgress);
                if let Some(td) = self.revisions.get_mut(&key) {
                    td.delete_requested_at = Some(now);
                }
            }
            TaskDefinitionStatus::DeleteInProgress => {}
        }
        Ok(&self.revisions[&key])
    }

    /// A page of revisions with this status, ordered by family then revision (reversed when
    /// `desc`), optionally of one family, resuming after `after` (the last key of the previous
    /// page). The bool says whether more remain. Cost: O(log n + page).
    pub fn list(
        &self,
        family: Option<&str>,
        status: TaskDefinitionStatus,
        desc: bool,
        after: Option<&Key>,
        limit: usize,
    ) -> (Vec<&TaskDefinition>, bool) {
        let index = &self.by_status[status.index()];
        let (mut lo, mut hi): (Bound<Key>, Bound<Key>) = match family {
            Some(f) => family_range(f),
            None => (Unbounded, Unbounded),
        };
        if let Some(a) = after {
            if desc {
                hi = tighter_upper(hi, a.clone());
            } else {
                lo = tighter_lower(lo, a.clone());
            }
        }
        if !range_is_valid(&lo, &hi) {
            return (Vec::new(), false);
        }
        let range = index.range((lo, hi));
        let keys: Box<dyn Iterator<Item = &Key>> = if desc {
            Box::new(range.rev())
        } else {
            Box::new(range)
        };
        let mut it = keys.filter_map(|k| self.revisions.get(k));
        let page: Vec<&TaskDefinition> = it.by_ref().take(limit).collect();
        let more = it.next().is_some();
        (page, more)
    }

    /// A page of family names starting with `prefix`, in name order, after `after`.
    pub fn list_families(
        &self,
        prefix: Option<&str>,
        filter: FamilyFilter,
        after: Option<&str>,
        limit: usize,
    ) -> (Vec<&str>, bool) {
        let prefix = prefix.unwrap_or("");
        let lower: Bound<&str> = match after {
            Some(a) if a >= prefix => Excluded(a),
            _ => Included(prefix),
        };
        let keep = |name: &&str| name.starts_with(prefix);
        let mut it: Box<dyn Iterator<Item = &str>> = match filter {
            FamilyFilter::All => Box::new(
                self.families
                    .range::<str, _>((lower, Unbounded))
                    .map(|(k, _)| k.as_str())
                    .take_while(keep),
            ),
            FamilyFilter::Active => Box::new(
                self.active_families
                    .range::<str, _>((lower, Unbounded))
                    .map(String::as_str)
                    .take_while(keep),
            ),
            FamilyFilter::Inactive => Box::new(
                self.inactive_families
                    .range::<str, _>((lower, Unbounded))
                    .map(String::as_str)
                    .take_while(keep),
            ),
        };
        let page: Vec<&str> = it.by_ref().take(limit).collect();
        let more = it.next().is_some();
        (page, more)
    }
}

fn family_range(family: &str) -> (Bound<Key>, Bound<Key>) {
    (
        Included((family.to_owned(), 0)),
        Included((family.to_owned(), u32::MAX)),
    )
}

fn tighter_lower(lo: Bound<Key>, after: Key) -> Bound<Key> {
    match lo {
        Included(k) | Excluded(k) if k > after => Included(k),
        _ => Excluded(after),
    }
}

fn tighter_upper(hi: Bound<Key>, before: Key) -> Bound<Key> {
    match hi {
        Included(k) | Excluded(k) if k < before => Included(k),
        _ => Excluded(before),
    }
}

/// `BTreeSet::range` panics on an inverted or empty-excluded range; such a range is empty.
fn range_is_valid(lo: &Bound<Key>, hi: &Bound<Key>) -> bool {
    match (lo, hi) {
        (Included(a), Included(b)) => a <= b,
        (Included(a), Excluded(b)) | (Excluded(a), Included(b)) => a < b,
        (Excluded(a), Excluded(b)) => a < b,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(family: &str) -> TaskDefinitionSpec {
        TaskDefinitionSpec {
            family: family.to_owned(),
            containers: Vec::new(),
            network_mode: "bridge".to_owned(),
            requires_compatibilities: Vec::new(),
            compatibilities: vec!["EC2".to_owned()],
            cpu: None,
            memory: None,
            task_role_arn: None,
            execution_role_arn: None,
            extra: Map::new(),
        }
    }

    fn reg(t: &mut TaskDefinitions, family: &str) -> u32 {
        t.register("r", "1", spec(family), vec![], VTime(0))
            .revision
    }

    fn names(p: &[&TaskDefinition]) -> Vec<String> {
        p.iter()
            .map(|t| format!("{}:{}", t.family(), t.revision))
            .collect()
    }

    #[test]
    fn revisions_count_from_one_and_are_never_reused() {
        let mut t = TaskDefinitions::default();
        assert_eq!(reg(&mut t, "web"), 1);
        assert_eq!(reg(&mut t, "web"), 2);
        assert_eq!(reg(&mut t, "api"), 1);
        assert_eq!(
            t.get("web", 2).unwrap().arn,
            "arn:aws:ecs:r:1:task-definition/web:2"
        );
        assert_eq!(
            t.get("web", 1).unwrap().registered_by,
            "arn:aws:iam::1:root"
        );
        t.deregister("web", 2, VTime(7));
        assert_eq!(t.get("web", 2).unwrap().deregistered_at, Some(VTime(7)));
        t.delete("web", 2, VTime(8)).unwrap();
        assert_eq!(
            t.get("web", 2).unwrap().status,
            TaskDefinitionStatus::DeleteInProgress
        );
        assert_eq!(reg(&mut t, "web"), 3);
        assert_eq!(t.latest_active("web").unwrap().revision, 3);
        t.deregister("web", 3, VTime(9));
        assert_eq!(t.latest_active("web").unwrap().revision, 1);
        assert!(t.latest_active("nope").is_none());
    }

    #[test]
    fn delete_needs_inactive() {
        let mut t = TaskDefinitions::default();
        reg(&mut t, "web");
        assert_eq!(
            t.delete("web", 1, VTime(1)).unwrap_err(),
            DeleteRefusal::StillActive
        );
        assert_eq!(
            t.delete("web", 9, VTime(1)).unwrap_err(),
            DeleteRefusal::Missing
        );
        t.deregister("web", 1, VTime(2));
        assert_eq!(
            t.delete("web", 1, VTime(3)).unwrap().delete_requested_at,
            Some(VTime(3))
        );
        // Idempotent: a second delete keeps the first request time.
        assert_eq!(
            t.delete("web", 1, VTime(4)).unwrap().delete_requested_at,
            Some(VTime(3))
        );
    }

    #[test]
    fn listing_order_and_pages() {
        let mut t = TaskDefinitions::default();
        for f in ["b", "a", "b", "c", "a", "b"] {
            reg(&mut t, f);
        }
        t.deregister("b", 2, VTime(1));
        let s = TaskDefinitionStatus::Active;
        let (p, more) = t.list(None, s, false, None, 3);
        assert_eq!(names(&p), ["a:1", "a:2", "b:1"]);
        assert!(more);
        let last = ("b".to_owned(), 1);
        let (p, more) = t.list(None, s, false, Some(&last), 3);
        assert_eq!(names(&p), ["b:3", "c:1"]);
        assert!(!more);
        let (p, more) = t.list(None, s, true, None, 2);
        assert_eq!(names(&p), ["c:1", "b:3"]);
        assert!(more);
        let (p, _) = t.list(None, s, true, Some(&("b".to_owned(), 3)), 10);
        assert_eq!(names(&p), ["b:1", "a:2", "a:1"]);
        let (p, _) = t.list(Some("b"), s, false, None, 10);
        assert_eq!(names(&p), ["b:1", "b:3"]);
        let (p, _) = t.list(Some("b"), s, true, Some(&("b".to_owned(), 3)), 10);
        assert_eq!(names(&p), ["b:1"]);
        let (p, _) = t.list(Some("b"), s, false, Some(&("z".to_owned(), 1)), 10);
        assert!(p.is_empty());
        let (p, _) = t.list(None, TaskDefinitionStatus::Inactive, false, None, 10);
        assert_eq!(names(&p), ["b:2"]);
        // The family filter is an exact family, not a prefix.
        let mut t2 = TaskDefinitions::default();
        reg(&mut t2, "web");
        reg(&mut t2, "web-api");
        let (p, _) = t2.list(Some("web"), s, false, None, 10);
        assert_eq!(names(&p), ["web:1"]);
    }

    #[test]
    fn family_status() {
        let mut t = TaskDefinitions::default();
        for f in ["web", "web", "web-api", "api"] {
            reg(&mut t, f);
        }
        t.deregister("web", 1, VTime(1));
        let all = |t: &TaskDefinitions, p, f| {
            t.list_families(p, f, None, 10)
                .0
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            all(&t, None, FamilyFilter::Active),
            ["api", "web", "web-api"]
        );
        t.deregister("web", 2, VTime(1));
        assert_eq!(all(&t, None, FamilyFilter::Active), ["api", "web-api"]);
        assert_eq!(all(&t, None, FamilyFilter::Inactive), ["web"]);
        assert_eq!(all(&t, Some("web"), FamilyFilter::All), ["web", "web-api"]);
        reg(&mut t, "web");
        assert!(all(&t, None, FamilyFilter::Inactive).is_empty());
        let (p, more) = t.list_families(None, FamilyFilter::All, None, 2);
        assert_eq!(p, ["api", "web"]);
        assert!(more);
        let (p, more) = t.list_families(None, FamilyFilter::All, Some("web"), 2);
        assert_eq!(p, ["web-api"]);
        assert!(!more);
        let (p, _) = t.list_families(Some("web"), FamilyFilter::All, Some("a"), 5);
        assert_eq!(p, ["web", "web-api"]);
    }
}

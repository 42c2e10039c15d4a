//! People: recorded in a unit by the admins of that unit's subtree.

use crate::units::non_empty;
use crate::{Caller, ServiceError, ServiceResult, change, record};
use gongjiang_db::people::{PeopleFilter, PersonView};
use gongjiang_db::{Database, Page, people, units};
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::person::{Email, Gender, NewPerson, PersonName, Phone, optional_text};
use gongjiang_domain::{FieldError, Invalid};

/// A person as a form or an API call gives them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PersonInput {
    pub unit_id: i64,
    pub name: String,
    #[serde(default)]
    pub employee_no: String,
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub trade: String,
    #[serde(default)]
    pub post: String,
}

fn parse(input: &PersonInput) -> Result<(NewPerson, String), Invalid> {
    let mut invalid = Invalid::default();
    let name = invalid.check(PersonName::parse("name", &input.name));
    let employee_no = invalid.check(optional_text("employee_no", &input.employee_no, 32));
    let gender = invalid.check(Gender::parse_optional("gender", &input.gender));
    let phone = invalid.check(Phone::parse_optional("phone", &input.phone));
    let email = invalid.check(Email::parse_optional("email", &input.email));
    let trade = invalid.check(optional_text("trade", &input.trade, 40));
    let post = invalid.check(optional_text("post", &input.post, 40));
    match (name, employee_no, gender, phone, email, trade, post) {
        (Some(name), Some(no), Some(gender), Some(phone), Some(email), Some(trade), Some(post))
            if invalid.is_empty() =>
        {
            Ok((
                NewPerson {
                    name,
                    unit_id: input.unit_id,
                    gender,
                    phone,
                    email,
                    trade,
                    post,
                },
                no,
            ))
        }
        _ => Err(invalid),
    }
}

/// Checks that the caller may put people in this unit, and that it is open.
async fn target_unit(
    conn: &mut gongjiang_db::Conn,
    caller: &Caller,
    unit_id: i64,
) -> ServiceResult<()> {
    let unit = units::get(conn, unit_id)
        .await?
        .ok_or_else(|| FieldError::new("unit_id", "unknown_unit"))?;
    caller.ensure(Action::ManagePeople, &unit.unit_path())?;
    if unit.is_closed() {
        return Err(FieldError::new("unit_id", "unit_closed")
            .with("value", &unit.code)
            .into());
    }
    Ok(())
}

async fn employee_no_free(
    conn: &mut gongjiang_db::Conn,
    unit_id: i64,
    no: &str,
    except: Option<i64>,
) -> ServiceResult<()> {
    if no.is_empty() {
        return Ok(());
    }
    match people::by_employee_no(conn, unit_id, no).await? {
        Some(other) if Some(other.id) != except => {
            Err(FieldError::new("employee_no", "employee_no_taken")
                .with("value", no)
                .into())
        }
        _ => Ok(()),
    }
}

pub async fn create(
    db: &Database,
    caller: &Caller,
    input: PersonInput,
) -> ServiceResult<PersonView> {
    let (person, no) = parse(&input)?;
    let mut tx = db.begin().await?;
    target_unit(&mut tx, caller, person.unit_id).await?;
    employee_no_free(&mut tx, person.unit_id, &no, None).await?;
    let id = people::insert(&mut tx, &person, &no, now_ms()).await?;
    let view = people::get(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change::<(), _>("person.create", "person", id, None, Some(&view)),
    )
    .await?;
    crate::search::index_person(&mut tx, id).await?;
    gongjiang_db::commit(tx).await?;
    Ok(view)
}

/// A person the caller may manage.
pub async fn get(db: &Database, caller: &Caller, id: i64) -> ServiceResult<PersonView> {
    let mut conn = db.read().await?;
    let person = people::get(&mut conn, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    caller.ensure(
        Action::ManagePeople,
        &gongjiang_domain::unit::UnitPath::from_stored(person.unit_path.clone()),
    )?;
    Ok(person)
}

/// Changes a person; moving them to another unit needs rights on both units.
pub async fn update(
    db: &Database,
    caller: &Caller,
    id: i64,
    input: PersonInput,
    reason: &str,
) -> ServiceResult<PersonView> {
    let (person, no) = parse(&input)?;
    let mut tx = db.begin().await?;
    let before = people::get(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    caller.ensure(
        Action::ManagePeople,
        &gongjiang_domain::unit::UnitPath::from_stored(before.unit_path.clone()),
    )?;
    target_unit(&mut tx, caller, person.unit_id).await?;
    employee_no_free(&mut tx, person.unit_id, &no, Some(id)).await?;
    people::update(&mut tx, id, &person, &no, now_ms()).await?;
    let after = people::get(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut c = change("person.update", "person", id, Some(&before), Some(&after));
    c.reason = non_empty(reason);
    record(&mut tx, caller, c).await?;
    crate::search::reindex_person_and_records(&mut tx, id).await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

/// People the caller may manage, filtered and a page at a time, with the total.
pub async fn list(
    db: &Database,
    caller: &Caller,
    query: &str,
    within_unit: Option<i64>,
    page: Page,
) -> ServiceResult<(Vec<PersonView>, i64)> {
    caller.ensure_somewhere(Action::ManagePeople)?;
    let mut conn = db.read().await?;
    let within = match within_unit {
        Some(id) => Some(crate::units::path_of(&mut conn, id).await?),
        None => None,
    };
    let filter = PeopleFilter {
        query: gongjiang_domain::error::search_term(query),
        within,
    };
    Ok(people::list(
        &mut conn,
        &caller.scope(Action::ManagePeople),
        &filter,
        page,
    )
    .await?)
}

/// Finds the one person a form means by `who`: `#id`, an employee number or a name. Only
/// people the caller may look for count: inside the units whose people the caller manages, and
/// inside the unit `near` that the form acts for when the caller holds a grant there or the
/// handler vouches for them (`near_vouched`: a leader on their own studio's form); nobody else
/// is found or listed. Among several, those inside `near` win; if
/// that still leaves several, the form must say which (by employee number or `#id`).
pub async fn resolve(
    db: &Database,
    caller: &Caller,
    field: &str,
    who: &str,
    near_unit: i64,
    near_vouched: bool,
) -> ServiceResult<i64> {
    let who = who.trim();
    if who.is_empty() {
        return Err(FieldError::new(field, "required").into());
    }
    let unknown = || -> ServiceError {
        FieldError::new(field, "unknown_person")
            .with("value", who)
            .into()
    };
    let mut conn = db.read().await?;
    let near = crate::units::path_of(&mut conn, near_unit).await?;
    let mut roots = caller.scope(Action::ManagePeople);
    let acts_near = near_vouched
        || [
            Action::ManageStudios,
            Action::DeclareAchievements,
            Action::ManageAlliances,
        ]
        .into_iter()
        .any(|a| caller.may(a, &near));
    if acts_near {
        roots.push(near.clone());
    }
    let visible = |path: &str| {
        let path = gongjiang_domain::unit::UnitPath::from_stored(path.to_owned());
        roots.iter().any(|r| path.is_within(r))
    };
    if let Some(id) = who.strip_prefix('#').and_then(|n| n.parse::<i64>().ok()) {
        return match people::get(&mut conn, id).await? {
            Some(p) if visible(&p.unit_path) => Ok(p.id),
            _ => Err(unknown()),
        };
    }
    let found: Vec<PersonView> = people::find_exact(&mut conn, who, &near)
        .await?
        .into_iter()
        .filter(|p| visible(&p.unit_path))
        .collect();
    let inside: Vec<&PersonView> = found
        .iter()
        .filter(|p| {
            gongjiang_domain::unit::UnitPath::from_stored(p.unit_path.clone()).is_within(&near)
        })
        .collect();
    let candidates: Vec<&PersonView> = if inside.is_empty() {
        found.iter().collect()
    } else {
        inside
    };
    match candidates.as_slice() {
        [] => Err(FieldError::new(field, "unknown_person")
            .with("value", who)
            .into()),
        [one] => Ok(one.id),
        many => {
            let list: Vec<String> = many
                .iter()
                .take(5)
                .map(|p| format!("#{} {}（{}）", p.id, p.name, p.unit_name))
                .collect();
            Err(FieldError::new(field, "ambiguous_person")
                .with("value", who)
                .with("candidates", list.join("、"))
                .into())
        }
    }
}

"""Legacy `session.query()` cases for the equivalence proof.

Each `case_*` function is plain sync SQLAlchemy 1.x code. The test turns every one into
`async def case_*(db: AsyncSession)` (and a helper's `db: Session` into `db: AsyncSession`, as
AM103 does), lets the AM101/AM102 fixes rewrite the module, and runs both versions against the
same seeded data. Module-level helpers (`*_query`, plain defs on a session) are migrated together
with their callers. Cases whose name ends in `_unsupported` are ones the rewriter must refuse (no
fix, a reason, and where mechanical a `run_sync` suggestion).
"""
from sqlalchemy import func
from sqlalchemy import exists
from sqlalchemy.orm import Session, joinedload, selectinload

from models import Gym, Membership, Post, User


def paginate(query):
    return query.order_by(User.id).limit(2).all()


# --- terminals --------------------------------------------------------------------------------

def case_01_all(db):
    return db.query(User).all()


def case_02_filter_all(db):
    return db.query(User).filter(User.is_active == True).all()  # noqa: E712


def case_03_filter_several_criteria(db):
    return db.query(User).filter(User.age > 25, User.gym_id == 1).all()


def case_04_filter_by(db):
    return db.query(User).filter_by(gym_id=1, is_active=True).all()


def case_05_first_ordered(db):
    return db.query(User).order_by(User.age.desc(), User.id).first()


def case_06_first_none(db):
    return db.query(User).filter(User.name == "nobody").first()


def case_07_one(db):
    return db.query(User).filter(User.email == "ana@gym.io").one()


def case_08_one_raises_multiple(db):
    return db.query(User).filter(User.gym_id == 1).one()


def case_09_one_or_none_missing(db):
    return db.query(User).filter_by(name="nobody").one_or_none()


def case_10_one_or_none_found(db):
    return db.query(Gym).filter(Gym.name == "Iron Temple").one_or_none()


def case_11_scalar_aggregate(db):
    return db.query(func.max(User.age)).scalar()


def case_12_scalar_filtered_count(db):
    return db.query(func.count(Post.id)).filter(Post.likes > 3).scalar()


def case_13_scalar_column(db):
    return db.query(User.name).filter(User.id == 2).scalar()


# --- count ------------------------------------------------------------------------------------

def case_14_count(db):
    return db.query(User).count()


def case_15_count_filter(db):
    return db.query(User).filter(User.is_active == True).count()  # noqa: E712


def case_16_count_filter_by(db):
    return db.query(Post).filter_by(user_id=1).count()


def case_17_count_join(db):
    # Counts joined rows (users with several matching posts count several times).
    return db.query(User).join(Post).filter(Post.likes > 2).count()


def case_18_count_distinct(db):
    return db.query(User.gym_id).distinct().count()


def case_19_count_limit(db):
    return db.query(Post).order_by(Post.id).limit(3).count()


def case_20_count_grouped_columns(db):
    return db.query(User.gym_id, func.count(User.id)).group_by(User.gym_id).count()


# --- get --------------------------------------------------------------------------------------

def case_21_get(db):
    return db.query(User).get(3)


def case_22_get_missing(db):
    return db.query(Gym).get(999)


def case_23_get_attribute(db):
    return db.query(User).get(1).name


# --- joins ------------------------------------------------------------------------------------

def case_24_join(db):
    return db.query(User).join(Gym).filter(Gym.city == "Madrid").order_by(User.id).all()


def case_25_join_onclause(db):
    return db.query(Post).join(User, Post.user_id == User.id).filter(User.gym_id == 2).all()


def case_26_outerjoin_missing(db):
    return db.query(User).outerjoin(Post).filter(Post.id == None).all()  # noqa: E711


def case_27_join_collection_dedup(db):
    # The legacy Query de-duplicates entities; the rewrite must too (.unique()).
    return db.query(User).join(User.posts).all()


def case_28_implicit_cross_join(db):
    return db.query(User).filter(User.id == Post.user_id, Post.likes >= 1).all()


# --- ordering, paging, grouping -----------------------------------------------------------------

def case_29_order_limit_offset(db):
    return db.query(Post).order_by(Post.likes.desc(), Post.id).limit(3).offset(1).all()


def case_30_slice(db):
    return db.query(User).order_by(User.id).slice(2, 5).all()


def case_31_distinct_column(db):
    return db.query(User.gym_id).distinct().all()


def case_32_group_by_having(db):
    return db.query(Post.user_id, func.sum(Post.likes)).group_by(Post.user_id).having(func.sum(Post.likes) > 5).order_by(Post.user_id).all()


# --- rows: columns and several entities ---------------------------------------------------------

def case_33_columns(db):
    return db.query(User.id, User.name).filter(User.age < 40).all()


def case_34_single_column_ordered(db):
    return db.query(User.email).order_by(User.email).all()


def case_35_columns_first(db):
    return db.query(User.id, User.name).order_by(User.id).first()


def case_36_multi_entity(db):
    return db.query(User, Gym).filter(User.gym_id == Gym.id).all()


def case_37_multi_entity_join(db):
    return db.query(User, Post).join(Post, Post.user_id == User.id).order_by(Post.id).all()


def case_38_entity_and_column(db):
    # Two "Leg day" posts by Ana: the legacy Query collapses the duplicate (User, title) row.
    return db.query(User, Post.title).join(Post).all()


# --- eager loading ------------------------------------------------------------------------------

def case_39_joinedload_collection(db):
    return db.query(User).options(joinedload(User.posts)).all()


def case_40_joinedload_collection_first(db):
    return db.query(User).options(joinedload(User.posts)).filter(User.id == 1).first()


def case_41_joinedload_collection_one(db):
    return db.query(Gym).options(joinedload(Gym.members)).filter(Gym.id == 1).one()


def case_42_joinedload_scalar(db):
    return db.query(Post).options(joinedload(Post.author)).all()


def case_43_selectinload(db):
    return db.query(Gym).options(selectinload(Gym.members)).order_by(Gym.id).all()


# --- bulk delete / update -----------------------------------------------------------------------

def case_44_delete_rowcount(db):
    return db.query(Post).filter(Post.likes < 2).delete()


def case_45_delete_no_sync(db):
    return db.query(Post).filter(Post.user_id == 3).delete(synchronize_session=False)


def case_46_delete_statement(db):
    db.query(Membership).filter_by(status="expired").delete()
    return db.query(Membership).count()


def case_47_update(db):
    return db.query(User).filter(User.gym_id == 2).update({"is_active": False})


def case_48_update_fetch(db):
    return db.query(Post).filter(Post.likes > 5).update({Post.likes: Post.likes + 1}, synchronize_session="fetch")


def case_49_update_then_read(db):
    user = db.query(User).get(4)
    db.query(User).filter(User.id == 4).update({User.age: User.age + 1})
    return user.age


# --- queries built over several statements --------------------------------------------------------

def case_50_built_in_steps(db):
    q = db.query(User)
    q = q.filter(User.is_active == True)  # noqa: E712
    only_first_gym = True
    if only_first_gym:
        q = q.filter(User.gym_id == 1)
    return q.order_by(User.id).all()


def case_51_built_count_and_page(db):
    q = db.query(Post).filter(Post.likes >= 1)
    total = q.count()
    page = q.order_by(Post.id).offset(2).limit(3).all()
    return total, page


def case_52_built_in_loop(db):
    q = db.query(User)
    for criterion in [User.age > 20, User.is_active == True]:  # noqa: E712
        q = q.filter(criterion)
    return q.order_by(User.name).first()


# --- layout and expression contexts ---------------------------------------------------------------

def case_53_multiline_comments(db):
    return (
        db.query(User)
        # only active members
        .filter(User.is_active == True)  # noqa: E712
        .order_by(User.name)  # alphabetical
        .all()
    )


def case_54_multiline_count_comment(db):
    total = (
        db.query(Post)
        .filter(Post.likes > 1)
        # the dashboard counts these
        .count()
    )
    return total


def case_55_len_of_all(db):
    return len(db.query(User).filter(User.gym_id == 1).all())


def case_56_comprehension(db):
    return [u.name for u in db.query(User).filter(User.age >= 30).order_by(User.id).all()]


def case_57_condition(db):
    if db.query(User).filter(User.email == "ana@gym.io").first():
        return "found"
    return "missing"


def case_58_iterate(db):
    names = []
    for user in db.query(User).order_by(User.id):
        names.append(user.name)
    return names


def case_59_in_subquery(db):
    return db.query(User).filter(User.id.in_(db.query(Post.user_id).filter(Post.likes > 4))).order_by(User.id).all()


def case_60_subquery_join(db):
    counts = db.query(Post.user_id, func.count(Post.id).label("n")).group_by(Post.user_id).subquery()
    return db.query(User.name, counts.c.n).join(counts, counts.c.user_id == User.id).order_by(User.name).all()


def case_61_count_arithmetic(db):
    return db.query(User).count() + db.query(Gym).count()


def case_62_first_attribute(db):
    return db.query(User).filter(User.id == 2).first().email


def case_63_outerjoin_grouped_columns(db):
    return db.query(Gym.name, func.count(User.id)).outerjoin(User).group_by(Gym.id).order_by(Gym.id).all()


def case_64_get_with_options(db):
    return db.query(User).options(selectinload(User.posts)).get(2)


# --- Query.scalar(): one() then the first column; None on no row, MultipleResultsFound on several --

def case_65_scalar_several_rows_raises(db):
    return db.query(User.name).filter(User.gym_id == 1).scalar()


def case_66_scalar_no_row(db):
    return db.query(User.name).filter(User.id == 999).scalar()


def case_67_scalar_entity_join_dedup(db):
    # Ana has three posts: the legacy one() de-duplicated the entity rows, so this returns Ana.
    return db.query(User).join(User.posts).filter(User.id == 1).scalar()


def case_68_scalar_first_of_columns(db):
    return db.query(User.name, User.id).filter(User.id == 2).scalar()


def case_69_scalar_built_in_steps(db):
    q = db.query(Post.title)
    q = q.filter(Post.user_id == 5)
    return q.scalar()


# --- with_entities(A, B) → select(A, B), same criteria, joins, order and paging --------------------

def case_70_with_entities_single_column(db):
    return db.query(User).filter(User.is_active == True).with_entities(User.id).all()  # noqa: E712


def case_71_with_entities_columns_ordered(db):
    return db.query(User).filter(User.age > 25).with_entities(User.id, User.name).order_by(User.id).all()


def case_72_with_entities_count_scalar(db):
    return db.query(User).filter(User.gym_id == 1).with_entities(func.count(User.id)).scalar()


def case_73_with_entities_paging(db):
    return db.query(Post).order_by(Post.likes.desc(), Post.id).with_entities(Post.title).limit(3).offset(1).all()


def case_74_with_entities_join_after(db):
    return (
        db.query(User)
        .with_entities(User.name, Post.title)
        .join(Post, Post.user_id == User.id)
        .filter(Post.likes > 5)
        .order_by(Post.id)
        .all()
    )


def case_75_with_entities_to_entity(db):
    return db.query(User.id).with_entities(Gym).filter(Gym.city == "Madrid").order_by(Gym.id).all()


def case_76_with_entities_distinct_first(db):
    return db.query(User).with_entities(User.gym_id).distinct().order_by(User.gym_id.desc()).first()


def case_77_with_entities_count(db):
    return db.query(Post).filter(Post.likes > 2).with_entities(Post.user_id).distinct().count()


# --- Query.exists() → Select.exists(): EXISTS over the same FROM and criteria ------------------------

def case_78_exists_scalar_true(db):
    return db.query(db.query(User).filter(User.age > 50).exists()).scalar()


def case_79_exists_scalar_false(db):
    return db.query(db.query(User).filter(User.age > 90).exists()).scalar()


def case_80_exists_correlated_filter(db):
    return db.query(User).filter(~db.query(Post).filter(Post.user_id == User.id).exists()).order_by(User.id).all()


def case_81_exists_built_in_steps(db):
    q = db.query(Post).filter(Post.likes > 8)
    return db.query(q.exists()).scalar()


def case_82_exists_columns_join(db):
    return db.query(db.query(User.id).join(Post).filter(Post.title == "Swim").exists()).scalar()


def case_83_sql_exists_where(db):
    return db.query(exists().where(User.email == "ana@gym.io")).scalar()


# --- from_self() → aliased(Model, select(...).subquery()), built before the statement ---------------

def case_84_from_self_order(db):
    return db.query(User).filter(User.age > 20).from_self().order_by(User.id).all()


def case_85_from_self_inner_limit(db):
    top = db.query(Post).order_by(Post.likes.desc(), Post.id).limit(5).from_self().filter(Post.likes < 8).order_by(Post.id).all()
    return top


def case_86_from_self_count(db):
    return db.query(User).filter(User.gym_id == 1).from_self().filter(User.age > 30).count()


def case_87_from_self_join_dedup(db):
    # Ana has three matching posts: the subquery repeats her, the legacy Query returned her once.
    return db.query(User).join(Post).filter(Post.likes > 2).from_self().order_by(User.id).all()


def case_88_from_self_in_condition(db):
    if db.query(Gym).filter(Gym.city == "Madrid").from_self().filter_by(name="Fit Sur").first():
        return "yes"
    return "no"


def case_89_from_self_iterated(db):
    names = []
    for user in db.query(User).filter(User.is_active == True).from_self().order_by(User.name.desc()).limit(3).all():  # noqa: E712
        names.append(user.name)
    return names


# --- queries inside comprehensions and generator expressions ------------------------------------

def case_97_query_per_item_in_list_comprehension(db):
    return [db.query(Post).filter(Post.user_id == u_id).count() for u_id in [1, 2, 3, 8]]


def case_98_generator_first_iterable(db):
    return sum(1 for u in db.query(User).filter(User.age > 30).all())


def case_99_generator_consumed_by_sum(db):
    return sum(db.query(Post).filter(Post.user_id == u_id).count() for u_id in range(1, 6))


def case_100_generator_consumed_by_sorted(db):
    return sorted((db.query(User.name).filter(User.id == i).scalar() for i in [4, 2, 9]), reverse=True)


def case_101_generator_consumed_by_join(db):
    return ", ".join(db.query(Gym).filter(Gym.id == i).one().name for i in (1, 2))


def case_102_dict_comprehension(db):
    return {g: db.query(User).filter(User.gym_id == g).count() for g in (1, 2, 3, 4)}


def case_103_set_comprehension_built_in_steps(db):
    q = db.query(Post.title)
    return {t for (t,) in q.filter(Post.likes > 4).all()}


def case_104_nested_generators_first_iterable(db):
    return max(len(t) for t in (p.title for p in db.query(Post).all()))


# --- a Query built in a helper and finished by its callers: the helper returns a select() ----------

def active_users_query(db):
    return db.query(User).filter(User.is_active == True)  # noqa: E712


def posts_liked_query(db, minimum):
    return db.query(Post).filter(Post.likes >= minimum)


def gym_members_query(db, city):
    return db.query(User).join(Gym).filter(Gym.city == city)


def case_105_helper_finished_by_caller(db):
    return active_users_query(db).order_by(User.id).all()


def case_106_helper_count_and_first(db):
    return posts_liked_query(db, 3).count(), posts_liked_query(db, minimum=5).order_by(Post.id).first()


def case_107_helper_iterated(db):
    return [u.name for u in active_users_query(db).filter(User.gym_id == 2)]


def case_108_helper_join(db):
    return gym_members_query(db, "Madrid").filter(User.age > 30).all()


def case_109_helper_one_or_none_and_exists(db):
    one = gym_members_query(db, "Barcelona").filter(User.age > 35).one_or_none()
    return one, db.query(active_users_query(db).filter(User.age > 50).exists()).scalar()


def users_filtered_query(db, gym_id=None, min_age=None):
    query = db.query(User)
    if gym_id is not None:
        query = query.filter(User.gym_id == gym_id)
    if min_age is not None:
        query = query.filter(User.age >= min_age)
    return query


def case_112_helper_built_in_steps_paged(db):
    page = users_filtered_query(db, gym_id=1).order_by(User.id).offset(1).limit(2).all()
    return page, users_filtered_query(db, min_age=40).count()


def case_113_helper_kept_counted_and_paged(db):
    query = users_filtered_query(db, min_age=25)
    only_active = True
    if only_active:
        query = query.filter(User.is_active == True)  # noqa: E712
    total = query.count()
    items = query.order_by(User.age.desc()).offset(1).limit(3).all()
    return total, [u.name for u in items]


# --- a legacy query in a plain def on what becomes an AsyncSession: the def is made async ---------
# (the test switches `db: Session` to `db: AsyncSession`, as AM103 does, before AM101 runs)

def oldest_member_name(db: Session):
    return db.query(User.name).order_by(User.age.desc(), User.id).first()


def member_names(db: Session, gym_id):
    users = db.query(User).filter(User.gym_id == gym_id).order_by(User.id).all()
    return [u.name for u in users]


def case_110_plain_def_made_async(db):
    return oldest_member_name(db)


def case_111_plain_def_awaited_in_expressions(db):
    return len(member_names(db, 1)), member_names(db, 2)[0], [member_names(db, g) for g in (3, 4)]


# --- deliberately unsupported: no fix, a reason, a run_sync suggestion where mechanical ----------

def case_90_from_self_other_table_unsupported(db):
    # Outer criteria naming another table: the legacy adaptation is not reproduced.
    return db.query(User).filter(User.age > 40).from_self().filter(User.id == Post.user_id).distinct().order_by(User.id).all()


def case_91_exists_with_options_unsupported(db):
    # Query.exists() dropped eager loads; a loader option inside EXISTS is not carried over.
    return db.query(db.query(User).options(joinedload(User.posts)).filter(User.age > 50).exists()).scalar()


def case_92_with_entities_after_join_unsupported(db):
    # The join was made from User; with the entities swapped, select()'s join would start elsewhere.
    return db.query(User).join(Post).filter(Post.likes > 5).with_entities(User.name).all()


def case_93_yield_per_unsupported(db):
    return [u.id for u in db.query(User).order_by(User.id).yield_per(2)]


def case_94_populate_existing_unsupported(db):
    return db.query(User).populate_existing().filter(User.id == 1).one()


def case_95_string_join_unsupported(db):
    return db.query(User).join("posts").count()


def case_95b_generator_consumed_by_any_unsupported(db):
    # any() stops at the first true item: a list would run every query (and could raise where any() did not).
    return any(db.query(Post).filter(Post.user_id == u_id).count() > 2 for u_id in range(1, 11))


def case_95c_lambda_unsupported(db):
    return sorted([3, 1, 2], key=lambda i: db.query(User).filter(User.id == i).one().age)


def case_96_query_passed_on_unsupported(db):
    q = db.query(User).filter(User.gym_id == 1)
    return paginate(q)

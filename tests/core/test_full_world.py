"""The fuzz tests' world has rows in every table of the project: a new model left empty by `seed_demo` and by
`full_world.fill_demo_gaps` fails here (fill it there through its services, or list it in `MAY_BE_EMPTY` with the
reason)."""

from tests.core.full_world import MAY_BE_EMPTY, empty_tables, project_models, seed_full_world


def test_every_project_table_has_rows_in_the_full_world(db):
    seed_full_world()

    assert empty_tables() == []


def test_the_table_list_covers_every_project_app_and_its_many_to_many_tables():
    labels = {model._meta.label for model in project_models()}

    assert {
        "core.Closure",
        "accounts.User_user_permissions",
        "baskets.BasketPause",
        "vending.RefillRequestEvent",
    } <= labels
    assert not any(label.startswith(("auth.", "admin.", "sessions.", "django_celery_beat.")) for label in labels)


def test_exclusions_name_real_tables_and_give_a_reason():
    labels = {model._meta.label for model in project_models()}

    assert all(label in labels and reason.strip() for label, reason in MAY_BE_EMPTY.items())

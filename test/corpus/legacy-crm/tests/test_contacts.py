from crm.models import Contact


def test_create_contact(client, db):
    resp = client.post("/api/v1/contacts/", json={"first_name": "Ana", "last_name": "Gil", "email": "Ana@Example.com"})
    assert resp.status_code == 201, resp.text
    assert db.query(Contact).count() == 1
    assert db.query(Contact).first().email == "Ana@example.com"


def test_duplicate_email_conflict(client):
    payload = {"first_name": "A", "last_name": "B", "email": "a@b.co"}
    assert client.post("/api/v1/contacts/", json=payload).status_code == 201
    assert client.post("/api/v1/contacts/", json=payload).status_code == 409


def test_archive_hides_contact(client, db, user):
    c = Contact(email="x@y.z", owner_id=user.id)
    db.add(c)
    db.commit()
    assert client.post(f"/api/v1/contacts/{c.id}/archive").status_code == 204
    db.refresh(c)
    assert c.archived

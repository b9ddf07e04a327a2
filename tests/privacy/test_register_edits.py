"""The art. 30 registers are kept current: a processor or processing activity is changed in
place; unknown ids, a taken name and bad input are refused."""

import uuid

from tests.privacy.support import officer


async def test_a_processor_and_an_activity_are_changed_in_place(platform):
    tag = uuid.uuid4().hex[:8]
    processor = {
        "name": f"Salarisverwerker {tag}",
        "service": "salarisadministratie",
        "data_categories": ["NAW-gegevens", "BSN"],
        "agreement_date": "2024-01-01",
    }
    activity = {
        "name": f"Payroll {tag}",
        "purposes": ["verlonen"],
        "data_subjects": "kandidaten",
        "data_categories": ["loongegevens"],
    }
    async with officer(platform) as client:
        added = await client.post("/api/privacy/processors", json=processor)
        assert added.status_code == 201, added.text
        changed = await client.put(
            f"/api/privacy/processors/{added.json()['id']}",
            json=processor | {"service": "salaris- en pensioenadministratie"},
        )
        assert changed.status_code == 200, changed.text
        listed = (await client.get("/api/privacy/processors")).json()
        [mine] = [p for p in listed if p["id"] == added.json()["id"]]
        assert mine["service"] == "salaris- en pensioenadministratie"
        assert mine["data_categories"] == ["NAW-gegevens", "BSN"]

        made = await client.post("/api/privacy/activities", json=activity)
        assert made.status_code == 201, made.text
        renamed = await client.put(
            f"/api/privacy/activities/{made.json()['id']}",
            json=activity | {"purposes": ["verlonen", "pensioen"]},
        )
        assert renamed.status_code == 200, renamed.text
        assert renamed.json()["purposes"] == ["verlonen", "pensioen"]

        # The name of another activity is taken.
        taken = await client.put(
            f"/api/privacy/activities/{made.json()['id']}",
            json=activity | {"name": "Bemiddeling van kandidaten"},
        )
        assert taken.status_code == 409
        missing = await client.put(f"/api/privacy/processors/{uuid.uuid4()}", json=processor)
        assert missing.status_code == 404
        empty = await client.put(
            f"/api/privacy/processors/{added.json()['id']}",
            json=processor | {"data_categories": [""]},
        )
        assert empty.status_code == 422

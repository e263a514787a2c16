from tests.support import gql

SERVICES = "query { services { type name description requiredDocuments } }"
SERVICE_TYPES = {
    "RETIREMENT_PENSION",
    "DISABILITY_PENSION",
    "HEALTH_INSURANCE",
    "PHYSIOTHERAPY",
    "WORK_INJURY",
    "UNEMPLOYMENT_BENEFIT",
}


def is_arabic(text: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" for char in text)


async def test_anyone_can_read_the_catalog_of_all_six_services(client):
    result = await gql(client, SERVICES)
    assert "errors" not in result
    services = result["data"]["services"]
    assert {service["type"] for service in services} == SERVICE_TYPES
    for service in services:
        assert service["name"] and service["description"]
        assert service["requiredDocuments"] and all(service["requiredDocuments"])


async def test_the_catalog_is_in_arabic_without_accept_language(client):
    response = await client.post("/graphql", json={"query": SERVICES})
    services = response.json()["data"]["services"]
    for service in services:
        assert is_arabic(service["name"]) and is_arabic(service["description"])
        assert all(is_arabic(document) for document in service["requiredDocuments"])


async def test_the_catalog_follows_accept_language(client):
    english = (await gql(client, SERVICES, language="en-GB,en;q=0.9"))["data"]["services"]
    arabic = (await gql(client, SERVICES, language="ar-SA"))["data"]["services"]
    by_type = {service["type"]: service for service in english}
    assert by_type["PHYSIOTHERAPY"]["name"] == "Physiotherapy"
    assert not any(is_arabic(service["description"]) for service in english)
    assert [service["type"] for service in arabic] == [service["type"] for service in english]
    assert all(is_arabic(service["name"]) for service in arabic)


DOCUMENTS = "query { services { type documents { kind name required } } }"


async def test_each_service_lists_its_typed_documents_in_both_languages(client):
    english = {s["type"]: s["documents"] for s in (await gql(client, DOCUMENTS))["data"]["services"]}
    arabic = {
        s["type"]: s["documents"]
        for s in (await gql(client, DOCUMENTS, language="ar"))["data"]["services"]
    }
    required = {t: {d["kind"] for d in documents if d["required"]} for t, documents in english.items()}
    assert required["PHYSIOTHERAPY"] == {"NATIONAL_ID_COPY", "MEDICAL_REPORT"}
    assert "MEDICAL_REPORT" in required["DISABILITY_PENSION"]
    assert "MEDICAL_REPORT" in required["WORK_INJURY"]
    assert "TERMINATION_LETTER" in required["UNEMPLOYMENT_BENEFIT"]
    assert "BANK_CERTIFICATE" in required["RETIREMENT_PENSION"]
    for service_type, documents in english.items():
        assert [d["kind"] for d in documents] == [d["kind"] for d in arabic[service_type]]
        assert not any(is_arabic(d["name"]) for d in documents)
        assert all(is_arabic(d["name"]) for d in arabic[service_type])

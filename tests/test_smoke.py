from tests.support import gql, signed_up

ME = "query { me { nationalId fullName status mobile } }"


async def test_a_new_member_registers_activates_and_sees_themselves(client, inbox):
    person = await signed_up(client, inbox)
    result = await gql(client, ME, token=person.access_token)
    assert result["data"]["me"]["nationalId"] == person.national_id
    assert result["data"]["me"]["status"] == "ACTIVE"

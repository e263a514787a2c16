"""The GraphQL surface of service requests: types, inputs, mutations."""

"""Local infrastructure for runs and tests: PostgreSQL, S3, Apache Kafka, SMTP sink."""

from devstack.infra import Endpoints, LocalStack, Ports, StackError, free_ports

__all__ = ["Endpoints", "LocalStack", "Ports", "StackError", "free_ports"]

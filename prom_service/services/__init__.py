"""Use cases. Each takes plain values and a unit of work; none imports a web or SMS framework."""

"""Scheduled statuses: kept until their time, then published once by a job."""

"""Every sentence a user reads, in Dutch (B1) and English."""

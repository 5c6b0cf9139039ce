"""Le moteur de Stages collectifs : Python pur, typé, sans Django."""

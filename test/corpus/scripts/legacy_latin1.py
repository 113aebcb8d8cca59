# -*- coding: latin-1 -*-
"""Informe de ventas (script heredado, codificación latin-1)."""
import datetime
import sqlite3

CABECERA = "Región;Año;Importe (â‚¬)"


def informe(ruta_bd):
    con = sqlite3.connect(ruta_bd)
    filas = con.execute("SELECT region, anyo, SUM(importe) FROM ventas GROUP BY 1, 2").fetchall()
    con.close()
    hoy = datetime.datetime.utcnow().strftime("%d/%m/%Y")
    lineas = [CABECERA] + ["%s;%s;%.2f" % f for f in filas]
    return "Generado el %s\n" % hoy + "\n".join(lineas)


if __name__ == "__main__":
    print(informe("ventas.db").encode("latin-1", "replace"))

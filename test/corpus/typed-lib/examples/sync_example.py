from weatherkit import Client, Location, NotFound

with Client() as wk:
    madrid = Location(40.4168, -3.7038, "Madrid")
    print(wk.current(madrid))
    for day in wk.forecast(madrid, days=3):
        print(day.day, day.min_c, day.max_c)
    try:
        wk.geocode("Atlantis")
    except NotFound:
        print("no such place")

import { py, ruleTester } from '../helpers';

ruleTester('AM401', {
  valid: [
    { name: 'aware now', code: py`
      from datetime import datetime, timezone
      x = datetime.now(timezone.utc)
    ` },
    { name: 'a local utcnow function is not datetime', code: py`
      def utcnow():
          return 1
      x = utcnow()
    ` },
    { name: 'pendulum-like object with utcnow', code: py`
      import arrow
      x = arrow.utcnow()
    ` },
  ],
  invalid: [
    {
      name: 'from datetime import datetime',
      code: py`
        from datetime import datetime

        created_at = datetime.utcnow()
      `,
      errors: ['3:14'],
      unsafe: true,
      output: py`
        from datetime import datetime, timezone

        created_at = datetime.now(timezone.utc)
      `,
    },
    {
      name: 'module import stays qualified',
      code: py`
        import datetime
        a = datetime.datetime.utcnow()
        b = datetime.datetime.utcfromtimestamp(ts)
      `,
      errors: ['2:5', '3:5'],
      unsafe: true,
      output: py`
        import datetime
        a = datetime.datetime.now(datetime.timezone.utc)
        b = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc)
      `,
    },
    {
      name: 'uncalled default in a model column',
      code: py`
        from datetime import datetime
        from sqlalchemy import Column, DateTime

        class User(Base):
            created_at = Column(DateTime, default=datetime.utcnow)  # audit
      `,
      errors: ['5:43'],
      unsafe: true,
      output: py`
        from datetime import datetime, timezone
        from sqlalchemy import Column, DateTime

        class User(Base):
            created_at = Column(DateTime, default=lambda: datetime.now(timezone.utc))  # audit
      `,
    },
    {
      name: 'safe-only fix leaves it (fix is unsafe)',
      code: py`
        from datetime import datetime
        x = datetime.utcnow()
      `,
      errors: ['2:5'],
      output: py`
        from datetime import datetime
        x = datetime.utcnow()
      `,
    },
    {
      name: 'suppressed line is not reported',
      code: py`
        from datetime import datetime
        x = datetime.utcnow()  # async-migrate: ignore[AM401]
        y = datetime.utcnow()
      `,
      errors: ['3:5'],
    },
  ],
});

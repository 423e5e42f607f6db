import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders, payments, notifications, analytics, and the bookkeeping that makes event handlers
 * idempotent and crashed workers recoverable. The job queue's own tables belong to
 * graphile-worker, which migrates them itself.
 */
export class OrdersPaymentsNotifications1764400000000 implements MigrationInterface {
  name = 'OrdersPaymentsNotifications1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE orders (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id     uuid NOT NULL REFERENCES users (id),
        status          text NOT NULL
                        CHECK (status IN ('PENDING', 'PAID', 'FULFILLED', 'CANCELLED', 'PAYMENT_FAILED', 'REFUNDED')),
        total_amount    integer NOT NULL CHECK (total_amount >= 0),
        currency        char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        idempotency_key text NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
        -- What the key was first used for; a retry with other items is IDEMPOTENCY_KEY_REUSED.
        request_hash    text NOT NULL,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz(3) NOT NULL DEFAULT now(),
        updated_at      timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT orders_customer_idempotency_key UNIQUE (customer_id, idempotency_key)
      )`);
    // orders for a customer, for an admin, and either filtered by status: newest first.
    await db.query(`CREATE INDEX orders_customer_page_idx ON orders (customer_id, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX orders_customer_status_page_idx ON orders (customer_id, status, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX orders_page_idx ON orders (created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX orders_status_page_idx ON orders (status, created_at DESC, id DESC)`);

    await db.query(`
      CREATE TABLE order_items (
        order_id          uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        line_no           smallint NOT NULL,
        product_id        uuid NOT NULL REFERENCES products (id),
        quantity          integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
        unit_price_amount integer NOT NULL CHECK (unit_price_amount >= 0),
        currency          char(3) NOT NULL,
        PRIMARY KEY (order_id, line_no),
        CONSTRAINT order_items_one_line_per_product UNIQUE (order_id, product_id)
      )`);

    await db.query(`
      CREATE TABLE payments (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id            uuid NOT NULL REFERENCES orders (id),
        status              text NOT NULL CHECK (status IN ('PENDING', 'CAPTURED', 'FAILED', 'REFUNDED')),
        amount              integer NOT NULL CHECK (amount >= 0),
        currency            char(3) NOT NULL,
        attempts            integer NOT NULL DEFAULT 0,
        last_error          text,
        provider_capture_id text,
        provider_refund_id  text,
        created_at          timestamptz(3) NOT NULL DEFAULT now(),
        updated_at          timestamptz(3) NOT NULL DEFAULT now(),
        -- One payment per order: the capture job may run many times, the payment exists once.
        CONSTRAINT payments_one_per_order UNIQUE (order_id)
      )`);

    await db.query(`
      CREATE TABLE notifications (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id    uuid NOT NULL REFERENCES users (id),
        kind       text NOT NULL,
        message    text NOT NULL,
        order_id   uuid REFERENCES orders (id),
        read_at    timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        -- The event and kind a notification was made for: a redelivered event makes none.
        dedupe_key text NOT NULL,
        CONSTRAINT notifications_dedupe_key UNIQUE (dedupe_key)
      )`);
    await db.query(`CREATE INDEX notifications_user_page_idx ON notifications (user_id, created_at DESC, id DESC)`);
    await db.query(
      `CREATE INDEX notifications_user_unread_page_idx ON notifications (user_id, created_at DESC, id DESC) WHERE read_at IS NULL`,
    );

    await db.query(`
      CREATE TABLE sent_emails (
        dedupe_key text PRIMARY KEY,
        message_id text,
        sent_at    timestamptz(3) NOT NULL DEFAULT now()
      )`);

    await db.query(`
      CREATE TABLE analytics_events (
        id          bigserial PRIMARY KEY,
        event_id    uuid NOT NULL,
        type        text NOT NULL,
        occurred_at timestamptz(3) NOT NULL,
        payload     jsonb NOT NULL,
        recorded_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT analytics_events_event_id UNIQUE (event_id)
      )`);
    await db.query(`
      CREATE FUNCTION analytics_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'analytics_events is append-only';
      END $$`);
    await db.query(`
      CREATE TRIGGER analytics_events_append_only BEFORE UPDATE OR DELETE ON analytics_events
      FOR EACH ROW EXECUTE FUNCTION analytics_events_append_only()`);

    await db.query(`
      CREATE TABLE processed_events (
        handler      text NOT NULL,
        event_id     uuid NOT NULL,
        processed_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (handler, event_id)
      )`);

    await db.query(`
      CREATE TABLE job_worker_heartbeats (
        worker_id text PRIMARY KEY,
        last_seen timestamptz NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'job_worker_heartbeats',
      'processed_events',
      'analytics_events',
      'sent_emails',
      'notifications',
      'payments',
      'order_items',
      'orders',
    ]) {
      await db.query(`DROP TABLE ${table}`);
    }
    await db.query(`DROP FUNCTION analytics_events_append_only()`);
  }
}

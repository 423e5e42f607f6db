import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { OrderStatus } from '../domain/order-status';

@Entity({ name: 'orders' })
export class OrderOrmEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'customer_id' })
  customerId!: string;

  @Column('text')
  status!: OrderStatus;

  @Column('integer', { name: 'total_amount' })
  totalAmount!: number;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('text', { name: 'idempotency_key' })
  idempotencyKey!: string;

  @Column('text', { name: 'request_hash' })
  requestHash!: string;

  @Column('integer')
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}

@Entity({ name: 'order_items' })
export class OrderItemOrmEntity {
  @PrimaryColumn('uuid', { name: 'order_id' })
  orderId!: string;

  @PrimaryColumn('smallint', { name: 'line_no' })
  lineNo!: number;

  @Column('uuid', { name: 'product_id' })
  productId!: string;

  @Column('integer')
  quantity!: number;

  @Column('integer', { name: 'unit_price_amount' })
  unitPriceAmount!: number;

  @Column('char', { length: 3 })
  currency!: string;
}

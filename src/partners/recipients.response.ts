import { ApiProperty } from '@nestjs/swagger';
import { DELIVERY_METHODS, type DeliveryMethod } from './partner.constants';
import { AdvisoryResponse } from './advisory.response';

export class RecipientDeliveryResponse {
  @ApiProperty() version: number;
  @ApiProperty({
    enum: DELIVERY_METHODS,
    description: 'push: its webhook took it (2xx); pull: its key fetched it',
  })
  method: DeliveryMethod;
  @ApiProperty({ format: 'date-time', description: 'The first push or the first fetch of this version' })
  at: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) webhookId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) apiKeyId: string | null;
}

export class RecipientResponse {
  @ApiProperty({ format: 'uuid' }) partnerId: string;
  @ApiProperty() partnerName: string;
  @ApiProperty({ description: 'The newest version that reached it' }) latestVersion: number;
  @ApiProperty({ type: [RecipientDeliveryResponse], description: 'Newest version first' })
  deliveries: RecipientDeliveryResponse[];
  @ApiProperty({
    type: [AdvisoryResponse],
    description: 'Its advisories about this story not acknowledged yet',
  })
  openAdvisories: AdvisoryResponse[];
}

export class RecipientsResponse {
  @ApiProperty({ format: 'uuid' }) articleId: string;
  @ApiProperty({ type: [RecipientResponse], description: 'Partners by name' }) data: RecipientResponse[];
}

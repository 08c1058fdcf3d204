import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { promoteItemSchemas } from 'nestjs-sse-broadcast/swagger';

export function setUpOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Live feed')
    .setOpenAPIVersion('3.2.0')
    .build();
  // Every x-itemSchema becomes the native 3.2 itemSchema.
  const document = promoteItemSchemas(
    SwaggerModule.createDocument(app, config),
  );
  SwaggerModule.setup('swagger', app, document);
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class TicksQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 1000,
    default: 10,
    description: 'Ticks to send',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  count: number = 10;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 10,
    maximum: 60000,
    default: 1000,
    description: 'Milliseconds between ticks',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(60000)
  intervalMs: number = 1000;
}

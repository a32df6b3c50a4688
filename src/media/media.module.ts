import { Module } from '@nestjs/common';
import { MEDIA_STORE } from './media-store';
import { mediaStoreProvider } from './media-store.provider';

/** The picture library: the media store, uploads, renditions and the library routes. */
@Module({
  providers: [mediaStoreProvider],
  exports: [MEDIA_STORE],
})
export class MediaModule {}
